/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
/**
 * The page the server sends for `GET /<path>`: a canvas, a stats overlay a person can read, and a
 * sign-in form shown when the stream needs credentials. Sets `globalThis.player`.
 *
 * @module
 */
import { type PlayerStats, RtspPlayer } from "./rtsp_player.ts";

/** Builds the player page inside `root` for `path` on the page's own host and port. */
export function mountPage(root: HTMLElement, path: string): RtspPlayer | undefined {
  const doc = root.ownerDocument;
  const canvas = doc.createElement("canvas");
  canvas.id = "video";
  const overlay = doc.createElement("pre");
  overlay.id = "stats";
  const form = doc.createElement("form");
  form.id = "login";
  form.hidden = true;
  form.innerHTML = `<p id="login-message"></p>
<label>User <input id="user" name="user" autocomplete="username"></label>
<label>Password <input id="pass" name="pass" type="password" autocomplete="current-password"></label>
<button id="login-submit" type="submit">Play</button>`;
  const hint = doc.createElement("button");
  hint.id = "unmute";
  hint.textContent = "🔇 click for sound";
  hint.hidden = true;
  root.append(canvas, overlay, form, hint);

  const url = `${location.protocol}//${location.host}/${path.split("/").map(encodeURIComponent).join("/")}`;
  let player: RtspPlayer | undefined;
  const start = (user?: string, pass?: string) => {
    player?.close();
    player = new RtspPlayer(canvas, {
      url,
      user,
      pass,
      onStateChange: (state, message) => {
        if (state === "unauthorized") {
          form.hidden = false;
          doc.getElementById("login-message")!.textContent = message;
          (doc.getElementById("user") as HTMLInputElement).focus();
        }
      },
    });
    (globalThis as unknown as { player: RtspPlayer }).player = player;
    void player.play();
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    form.hidden = true;
    const value = (id: string) => (doc.getElementById(id) as HTMLInputElement).value;
    start(value("user"), value("pass"));
  });
  const unmute = () => {
    void player?.resumeAudio().then(() => (hint.hidden = true));
  };
  hint.addEventListener("click", unmute);
  doc.addEventListener("pointerdown", unmute);
  setInterval(() => {
    if (player === undefined) return;
    const s = player.stats();
    overlay.textContent = formatStats(path, s);
    hint.hidden = !(s.audioCodec !== null && s.audioFramesDecoded > 0 && !audioRunning(player));
  }, 250);
  doc.title = `${path || "/"} · player`;
  if (path === "") {
    overlay.textContent = `Open ${location.origin}/<path> to watch the stream published on <path>.`;
    return undefined;
  }
  start();
  return player;
}

function audioRunning(player: RtspPlayer): boolean {
  return player.audioState !== "suspended";
}

function formatStats(path: string, s: PlayerStats): string {
  const size = s.width > 0 ? `${s.width}x${s.height}` : "-";
  return [
    `${path || "/"}  ${s.state}${s.message ? `: ${s.message}` : ""}`,
    `video ${s.videoCodec ?? "-"} ${size}  decoded ${s.framesDecoded}  dropped ${s.framesDropped}`,
    `audio ${s.audioCodec ?? "-"}  decoded ${s.audioFramesDecoded}  a/v ${
      s.audioLagMs === null ? "-" : `${s.audioLagMs} ms`
    }`,
    `latency ${s.latencyMs === null ? "-" : `${s.latencyMs} ms`}  first frame ${
      s.timeToFirstFrameMs === null ? "-" : `${s.timeToFirstFrameMs} ms`
    }  received ${(s.bytesReceived / 1e6).toFixed(1)} MB`,
  ].join("\n");
}
