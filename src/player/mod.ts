/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
/**
 * The browser player, bundled into `/player.js`:
 *
 * ```js
 * import { RtspPlayer } from "http://host:8554/player.js";
 * const player = new RtspPlayer(canvas, { url: "http://host:8554/mystream" });
 * await player.play();
 * ```
 *
 * @module
 */
export { type PlayerState, type PlayerStats, RtspPlayer, type RtspPlayerOptions } from "./rtsp_player.ts";
export { mountPage } from "./page.ts";
