/** Throw-away TLS certificates for tests, made with the openssl CLI. */

/** Paths of a generated certificate and key, and the PEM certificate (for `caCerts`). */
export interface TestCert {
  dir: string;
  certFile: string;
  keyFile: string;
  certPem: string;
}

/**
 * A self-signed certificate for localhost/127.0.0.1 in a new temp dir. It is marked
 * `CA:FALSE` because Deno's TLS (rustls) rejects a CA certificate used as an end entity.
 */
export async function makeTestCert(cn = "localhost"): Promise<TestCert> {
  const dir = await Deno.makeTempDir({ prefix: "rtsp-cert-" });
  const certFile = `${dir}/server.crt`;
  const keyFile = `${dir}/server.key`;
  const out = await new Deno.Command("openssl", {
    args: [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", `/CN=${cn}`],
      ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
      ...["-addext", "basicConstraints=critical,CA:FALSE"],
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
  return { dir, certFile, keyFile, certPem: await Deno.readTextFile(certFile) };
}

/** A certificate made exactly as `mediamtx.yml` documents, and its SHA-256 fingerprint. */
export interface DocumentedCert extends TestCert {
  /** SHA-256 of the DER certificate, lower-case hex without colons (what `sourceFingerprint` takes). */
  fingerprint: string;
}

/**
 * A self-signed certificate made by the openssl command that `mediamtx.yml` (like MediaMTX's
 * docs) tells users to run. OpenSSL 3 marks it `CA:TRUE` and gives it no subjectAltName, so
 * Deno's TLS refuses it (`CaUsedAsEndEntity`) even when trusted: only a pinned fingerprint works.
 */
export async function makeDocumentedCert(): Promise<DocumentedCert> {
  const dir = await Deno.makeTempDir({ prefix: "rtsp-cert-" });
  const certFile = `${dir}/server.crt`;
  const keyFile = `${dir}/server.key`;
  const run = async (args: string[]) => {
    const out = await new Deno.Command("openssl", { args, stdout: "piped", stderr: "piped" }).output();
    if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
    return new TextDecoder().decode(out.stdout);
  };
  await run([
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile],
    ...["-days", "3650", "-subj", "/CN=localhost"],
  ]);
  const printed = await run(["x509", "-in", certFile, "-noout", "-fingerprint", "-sha256"]);
  const fingerprint = printed.split("=")[1].trim().replaceAll(":", "").toLowerCase();
  return { dir, certFile, keyFile, certPem: await Deno.readTextFile(certFile), fingerprint };
}
