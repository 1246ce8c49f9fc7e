#!/usr/bin/python3
"""Reference RTSP server for validating client command lines (GstRtspServer 1.22).

Kept in the repository (from the team's shared tools) so that CI can validate the client harness
against it: tests/_helpers/refserver.ts starts it, tests/interop/refserver_harness.test.ts uses it.

Run with Debian's interpreter (/usr/bin/python3), not a pyenv one (needs python3-gi).

  /usr/bin/python3 refserver.py [--port 8554] [--tls cert.pem key.pem]
                                [--auth none|basic|digest|both] [--file test.mp4]

Mounts (all on 127.0.0.1:<port>):
  /test        PLAY, shared live videotestsrc H.264 + audiotestsrc AAC (UDP, UDP-mcast, TCP)
  /file        PLAY, test.mp4 (H.264 + AAC) re-payloaded, not shared (ends after 10 s)
  /srtp        PLAY, same live content but profile RTP/SAVP only (SRTP, key in SDP via MIKEY)
  /big         PLAY, live H.264 (+ AAC) with video RTP packets of up to 4000 bytes (mtu=4000),
               like cameras that put whole NAL units in one packet (TCP only)
  /big265      PLAY, the same with H.265 (rtph265pay mtu=4000)
  /record      RECORD (publish), 2 streams (depay0 + depay1), decoded and counted
  /recordv     RECORD (publish), 1 stream (depay0) - e.g. video-only rtspclientsink
  /srecord     RECORD, 2 streams, RTP/SAVP only (SRTP, client sends MIKEY key)
  /srecordv    RECORD, 1 stream, RTP/SAVP only
  /auth        PLAY like /test but requires user:pass (role "user")
  /authrecord  RECORD like /record but requires user:pass
The number of m= sections ANNOUNCEd must equal the number of depayN in the mount
(otherwise gst-rtsp-server rejects the ANNOUNCE).
With --tls every connection on that port must be TLS (rtsps://).
Prints "[count] <mount> stream<N>: <buffers> buffers" every 2 s while a publish
is running, and a final line when the publish session ends.
"""
import argparse
import sys
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gio, Gst, GstRtsp, GstRtspServer  # noqa: E402

Gst.init(None)

ap = argparse.ArgumentParser()
ap.add_argument("--port", default="8554")
ap.add_argument("--addr", default="127.0.0.1")
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--auth", default="both", choices=["none", "basic", "digest", "both"],
                help="methods offered for /auth and /authrecord")
ap.add_argument("--file", default="test.mp4")
ap.add_argument("--mcast-base", default="224.1.0.1")
args = ap.parse_args()


def log(*a):
    print(*a, flush=True)


LIVE = (
    "( videotestsrc is-live=true pattern=ball "
    "! video/x-raw,width=640,height=360,framerate=25/1 "
    "! x264enc tune=zerolatency speed-preset=veryfast key-int-max=25 bitrate=500 "
    "! video/x-h264,profile=main ! rtph264pay name=pay0 pt=96 config-interval=1 "
    "audiotestsrc is-live=true wave=sine freq=1000 "
    "! audio/x-raw,rate=48000,channels=1 ! audioconvert ! avenc_aac bitrate=64000 "
    "! rtpmp4gpay name=pay1 pt=97 )"
)
FILE = (
    "( filesrc location=%s ! qtdemux name=d "
    "d.video_0 ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 "
    "d.audio_0 ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97 )" % args.file
)
BIG = (
    "( videotestsrc is-live=true pattern=smpte "
    "! video/x-raw,width=640,height=360,framerate=25/1 "
    "! x264enc tune=zerolatency speed-preset=veryfast key-int-max=25 bitrate=2000 "
    "! video/x-h264,profile=main ! rtph264pay name=pay0 pt=96 config-interval=1 mtu=4000 "
    "audiotestsrc is-live=true wave=sine freq=1000 "
    "! audio/x-raw,rate=48000,channels=1 ! audioconvert ! avenc_aac bitrate=64000 "
    "! rtpmp4gpay name=pay1 pt=97 )"
)
BIG265 = BIG.replace(
    "x264enc tune=zerolatency speed-preset=veryfast key-int-max=25 bitrate=2000 "
    "! video/x-h264,profile=main ! rtph264pay",
    "x265enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=2000 "
    "! video/x-h265,profile=main ! rtph265pay")
REC2 = ("( decodebin name=depay0 ! fakesink name=sink0 sync=false "
        "decodebin name=depay1 ! fakesink name=sink1 sync=false )")
REC1 = "( decodebin name=depay0 ! fakesink name=sink0 sync=false )"

L = GstRtsp.RTSPLowerTrans
P = GstRtsp.RTSPProfile

server = GstRtspServer.RTSPServer()
server.set_address(args.addr)
server.set_service(args.port)
mounts = server.get_mount_points()

# --- auth / TLS -----------------------------------------------------------
auth = GstRtspServer.RTSPAuth()
anon = GstRtspServer.RTSPToken()
anon.set_string("media.factory.role", "anonymous")  # everybody gets this
auth.set_default_token(anon)
user_tok = GstRtspServer.RTSPToken()
user_tok.set_string("media.factory.role", "user")
methods = 0
if args.auth in ("basic", "both"):
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic("user", "pass"), user_tok)
    methods |= int(GstRtsp.RTSPAuthMethod.BASIC)
if args.auth in ("digest", "both"):
    auth.add_digest("user", "pass", user_tok)
    methods |= int(GstRtsp.RTSPAuthMethod.DIGEST)
if methods:
    # GstRTSPAuthMethod is a GEnum in the typelib, so PyGObject refuses BASIC|DIGEST (3);
    # call the C function through ctypes instead.
    import ctypes
    _capi = ctypes.pythonapi
    _capi.PyCapsule_GetPointer.restype = ctypes.c_void_p
    _capi.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    _lib = ctypes.CDLL("libgstrtspserver-1.0.so.0")
    _lib.gst_rtsp_auth_set_supported_methods.argtypes = [ctypes.c_void_p, ctypes.c_int]
    _lib.gst_rtsp_auth_set_supported_methods(
        _capi.PyCapsule_GetPointer(auth.__gpointer__, None), methods)
if args.tls:
    cert = Gio.TlsCertificate.new_from_files(args.tls[0], args.tls[1])
    auth.set_tls_certificate(cert)
    log("TLS enabled (rtsps) with", args.tls[0])
server.set_auth(auth)


def perms(*roles):
    p = GstRtspServer.RTSPPermissions()
    for r in ("anonymous", "user"):
        p.add_role(r)
        # everybody may "access" (otherwise gst-rtsp-server answers 404 instead of 401),
        # only the listed roles may "construct"; anonymous without construct => 401 + WWW-Authenticate
        p.add_permission_for_role(r, "media.factory.access", True)
        p.add_permission_for_role(r, "media.factory.construct", r in roles)
    return p


pool = GstRtspServer.RTSPAddressPool()
base = args.mcast_base.rsplit(".", 1)
pool.add_range(args.mcast_base, "%s.%d" % (base[0], int(base[1]) + 9), 5000, 5099, 16)

counts = {}


def on_media_configure(factory, media, mount):
    media.connect("new-state", lambda m, st: log("[media]", mount, "state", st))
    if factory.get_transport_mode() & GstRtspServer.RTSPTransportMode.RECORD:
        bin_ = media.get_element()
        for i in range(2):
            sink = bin_.get_by_name("sink%d" % i)
            if sink is None:
                continue
            key = "%s stream%d" % (mount, i)
            counts[key] = 0
            sink.set_property("signal-handoffs", True)

            def on_handoff(el, buf, pad, key=key):
                counts[key] += 1
            sink.connect("handoff", on_handoff)

        def unprepared(m, mount=mount):
            for k in sorted(counts):
                if k.startswith(mount + " "):
                    log("[final]", k + ":", counts[k], "buffers")
        media.connect("unprepared", unprepared)


def add(mount, launch, record=False, shared=False, profiles=P.AVP,
        protocols=L.UDP | L.UDP_MCAST | L.TCP, roles=("anonymous", "user")):
    f = GstRtspServer.RTSPMediaFactory()
    f.set_launch(launch)
    f.set_shared(shared)
    f.set_profiles(profiles)
    f.set_protocols(protocols)
    f.set_address_pool(pool)
    f.set_permissions(perms(*roles))
    if record:
        f.set_transport_mode(GstRtspServer.RTSPTransportMode.RECORD)
        f.set_latency(200)
    f.connect("media-configure", on_media_configure, mount)
    mounts.add_factory(mount, f)


add("/test", LIVE, shared=True)
add("/file", FILE)
add("/srtp", LIVE, shared=True, profiles=P.SAVP)
add("/big", BIG, shared=True, protocols=L.TCP)
add("/big265", BIG265, shared=True, protocols=L.TCP)
# NB: a RECORD factory whose profiles include SAVP inserts srtpdec and silently drops
# plain RTP/AVP packets (no key) in 1.22 -> keep AVP and SAVP record mounts separate.
add("/record", REC2, record=True)
add("/recordv", REC1, record=True)
add("/srecord", REC2, record=True, profiles=P.SAVP)
add("/srecordv", REC1, record=True, profiles=P.SAVP)
add("/auth", LIVE, shared=True, roles=("user",))
add("/authrecord", REC2, record=True, roles=("user",))

last = {}


def report():
    for k in sorted(counts):
        if counts[k] != last.get(k):
            log("[count]", k + ":", counts[k], "buffers")
            last[k] = counts[k]
    return True


def on_client(srv, client):
    conn = client.get_connection()
    log("[client] connected", conn.get_ip() if conn else "?")

    def req(name):
        def cb(cl, ctx):
            msg = ctx.request
            extra = ""
            ok, tr = msg.get_header(GstRtsp.RTSPHeaderField.TRANSPORT, 0)
            if ok == GstRtsp.RTSPResult.OK and tr:
                extra += " Transport: " + tr
            ok, km = msg.get_header(GstRtsp.RTSPHeaderField.KEYMGMT, 0)
            if ok == GstRtsp.RTSPResult.OK and km:
                extra += " KeyMgmt: present"
            ok, au = msg.get_header(GstRtsp.RTSPHeaderField.AUTHORIZATION, 0)
            if ok == GstRtsp.RTSPResult.OK and au:
                extra += " Authorization: " + au.split(" ")[0]
            uri = ctx.uri.get_request_uri() if ctx.uri else ""
            log("[req]", name, uri + extra)
        return cb
    for sig in ("options-request", "describe-request", "announce-request",
                "setup-request", "play-request", "record-request",
                "teardown-request"):
        client.connect(sig, req(sig.split("-")[0].upper()))
    client.connect("closed", lambda c: log("[client] closed"))


server.connect("client-connected", on_client)
if server.attach(None) == 0:
    log("failed to attach server on port", args.port)
    sys.exit(1)
GLib.timeout_add_seconds(2, report)
log("ready rtsp%s://%s:%s/ (auth methods for /auth: %s)" %
    ("s" if args.tls else "", args.addr, args.port, args.auth))
loop = GLib.MainLoop()
for sig in (2, 15):  # SIGINT, SIGTERM -> quit the GLib loop cleanly
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
loop.run()
report()
log("exit")
