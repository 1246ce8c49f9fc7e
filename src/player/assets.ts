/**
 * The browser player as the server serves it (`rtspPlayer`): the bundled ES module, embedded in
 * the program (and so in `deno compile`'s binary) as a string, and the page of a path. Both load
 * nothing from any other host. `scripts/build_player.ts` regenerates `dist/player_bundle.ts`.
 *
 * @module
 */
import { PLAYER_BUNDLE } from "./dist/player_bundle.ts";

/** The module and the page of a path, in the shape the HTTP page server (transport/http_page.ts) serves. */
export interface PlayerAssets {
  /** The ES module served at `/player.js`. */
  module: string;
  /** The HTML page of a path (decoded, without the leading slash; may be empty). */
  page(path: string): string;
}

const STYLE = `html,body{margin:0;height:100%;background:#111;color:#eee;font:13px system-ui,sans-serif}
#video{display:block;width:100%;height:100%;object-fit:contain}
#stats{position:fixed;left:8px;top:8px;margin:0;padding:6px 8px;background:#000a;border-radius:4px;
font:12px ui-monospace,monospace;white-space:pre;pointer-events:none}
#login{position:fixed;left:50%;top:40%;transform:translate(-50%,-50%);background:#222;padding:16px;
border-radius:6px;display:grid;gap:8px;min-width:260px}
#login[hidden],#unmute[hidden]{display:none}
#login input{width:100%;box-sizing:border-box}
#unmute{position:fixed;right:8px;bottom:8px}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML page playing `path`. */
function playerPage(path: string): string {
  // JSON inside a script: escape "<" so no "</script>" can end it early.
  const literal = JSON.stringify(path).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(path || "/")} · player</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<noscript>This player needs JavaScript.</noscript>
<script type="module">
import { mountPage } from "/player.js";
mountPage(document.body, ${literal});
</script>
</body>
</html>
`;
}

/** The assets the RTSP servers hand to browsers. */
export function playerAssets(): PlayerAssets {
  return { module: PLAYER_BUNDLE, page: playerPage };
}
