/**
 * Decoded-frame accounting shared by the ffmpeg and GStreamer readers: each reader's output is parsed
 * line by line into presentation timestamps, and the count is compared with what the timestamps span.
 */

/** What a reader decoded: video frames only. Timestamps are in seconds. */
export interface FrameReport {
  /** Decoded video frames. */
  frames: number;
  /** Presentation time of the first decoded frame (seconds; 0 when none). */
  firstPts: number;
  /** Presentation time of the last decoded frame (seconds; 0 when none). */
  lastPts: number;
  /** Frames the span from first to last pts should hold: `(lastPts - firstPts) * fps + 1`. */
  expected: number;
  /** `frames / expected`; 1 means nothing was lost between the first and the last frame. */
  ratio: number;
  /** Frame rate used for `expected`, as declared by the stream (per-frame duration). */
  fps: number;
  /** Exit code of the client process (of the `timeout` wrapper, which preserves the client's). */
  exitCode: number;
  /** The client's diagnostic output (not the per-frame lines). */
  log: string;
}

/** Parses one client's output into frame timestamps and the stream's declared frame duration. */
export interface FrameParser {
  /** Feeds one output line; returns true when it was a decoded-frame line. */
  accept(line: string): boolean;
  /** Frames seen so far. */
  readonly frames: number;
  /** Presentation timestamps (seconds) of the frames that had one. */
  readonly pts: number[];
  /** Most frequent declared frame duration in seconds, or undefined when the stream declared none. */
  frameDuration(): number | undefined;
}

abstract class BaseParser implements FrameParser {
  frames = 0;
  readonly pts: number[] = [];
  readonly #durations = new Map<number, number>();

  abstract accept(line: string): boolean;

  protected record(pts: number | undefined, duration: number | undefined): void {
    this.frames++;
    if (pts !== undefined) this.pts.push(pts);
    if (duration !== undefined && duration > 0) {
      // Rounded to 0.1 ms so that 0.04 and 0.0400001 count as the same duration.
      const key = Math.round(duration * 1e4) / 1e4;
      this.#durations.set(key, (this.#durations.get(key) ?? 0) + 1);
    }
  }

  frameDuration(): number | undefined {
    let best: number | undefined;
    let bestCount = 0;
    for (const [d, n] of this.#durations) {
      if (n > bestCount) [best, bestCount] = [d, n];
    }
    return best;
  }
}

/**
 * ffmpeg `-f framecrc` output: `#tb 0: 1/25` headers, then one line per frame
 * `stream, dts, pts, duration, size, crc` with times in that stream's time base. Only stream 0 counts.
 */
export class FramecrcParser extends BaseParser {
  #timeBase: number | undefined;

  accept(line: string): boolean {
    const tb = /^#tb 0: (\d+)\/(\d+)/.exec(line);
    if (tb) {
      this.#timeBase = Number(tb[1]) / Number(tb[2]);
      return false;
    }
    if (!line.startsWith("0,")) return false;
    const cols = line.split(",").map((c) => c.trim());
    if (cols.length < 6) return false;
    const tbase = this.#timeBase ?? 1;
    const pts = Number(cols[2]);
    const duration = Number(cols[3]);
    this.record(Number.isFinite(pts) ? pts * tbase : undefined, duration > 0 ? duration * tbase : undefined);
    return true;
  }
}

const GST_CLOCK = String.raw`(\d+):(\d+):(\d+(?:\.\d+)?)`;
const GST_CHAIN = new RegExp(
  String.raw`:(\w+): last-message = chain .*?pts: (none|${GST_CLOCK}), duration: (none|${GST_CLOCK})`,
);

/**
 * gst-launch `-v` output of `fakesink name=<sink> silent=false`: one `last-message = chain` line per
 * buffer with `pts: H:MM:SS.nnnnnnnnn, duration: …`. Only lines of the sink named `sink` count.
 */
export class GstChainParser extends BaseParser {
  readonly #sink: string;

  constructor(sink: string) {
    super();
    this.#sink = sink;
  }

  accept(line: string): boolean {
    const m = GST_CHAIN.exec(line);
    if (!m || m[1] !== this.#sink) return false;
    const clock = (h?: string, mi?: string, s?: string) =>
      h === undefined ? undefined : Number(h) * 3600 + Number(mi) * 60 + Number(s);
    this.record(clock(m[3], m[4], m[5]), clock(m[7], m[8], m[9]));
    return true;
  }
}

/** Builds the report from a parser; `fallbackFps` is used when the stream declared no frame duration. */
export function frameReport(
  parser: FrameParser,
  fallbackFps: number,
  exitCode: number,
  log: string,
): FrameReport {
  const duration = parser.frameDuration();
  const fps = duration ? 1 / duration : fallbackFps;
  const pts = [...parser.pts].sort((a, b) => a - b);
  const firstPts = pts[0] ?? 0;
  const lastPts = pts[pts.length - 1] ?? 0;
  const expected = parser.frames === 0 ? 0 : Math.round((lastPts - firstPts) * fps) + 1;
  const ratio = expected === 0 ? 0 : parser.frames / expected;
  return { frames: parser.frames, firstPts, lastPts, expected, ratio, fps, exitCode, log };
}

/** One-line summary of a report, for matrix rows and failure messages. */
export function formatReport(r: FrameReport): string {
  return `frames=${r.frames} expected=${r.expected} ratio=${r.ratio.toFixed(2)} ` +
    `pts=${r.firstPts.toFixed(2)}..${r.lastPts.toFixed(2)} fps=${r.fps.toFixed(2)} exit=${r.exitCode}`;
}
