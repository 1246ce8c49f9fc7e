/** Runs the real `curl` binary against an HTTP endpoint and splits its answer. */

/** One HTTP answer as curl saw it. */
export interface CurlResult {
  status: number;
  headers: Headers;
  body: string;
}

/** `curl -sS -D - [-X method] [extra…] url`, with a 10 s deadline. */
export async function curl(
  url: string,
  opts: { method?: string; args?: string[] } = {},
): Promise<CurlResult> {
  const args = ["-sS", "-D", "-", "--max-time", "10", "-k", ...(opts.args ?? [])];
  if (opts.method !== undefined) args.push("-X", opts.method);
  args.push(url);
  const out = await new Deno.Command("curl", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`curl ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  const end = text.indexOf("\r\n\r\n");
  const head = text.slice(0, end).split("\r\n");
  const headers = new Headers();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status: Number(head[0].split(" ")[1]), headers, body: text.slice(end + 4) };
}

/** `curl` expecting JSON: returns the parsed body with the status. */
export async function curlJson(
  url: string,
  opts: { method?: string; args?: string[] } = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const r = await curl(url, opts);
  return { status: r.status, headers: r.headers, json: r.body === "" ? undefined : JSON.parse(r.body) };
}
