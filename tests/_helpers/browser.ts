/**
 * Headless Chromium (Debian's `chromium`, never a downloaded one) driven by puppeteer-core, for the
 * browser player's tests. One browser per test file, reused across steps; `await using` closes it
 * and removes its fresh profile directory.
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed. */
export async function chromiumAvailable(): Promise<boolean> {
  try {
    return (await Deno.stat(CHROMIUM)).isFile;
  } catch {
    return false;
  }
}

/** A running headless Chromium. */
export class HeadlessBrowser implements AsyncDisposable {
  readonly browser: Browser;
  readonly #profile: string;

  private constructor(browser: Browser, profile: string) {
    this.browser = browser;
    this.#profile = profile;
  }

  /** Starts Chromium with a fresh profile, no network services of its own and autoplay allowed. */
  static async launch(): Promise<HeadlessBrowser> {
    const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: false, // "--headless=new" below, passed as is
      acceptInsecureCerts: true, // the RTSPS tests use a self-signed certificate
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
        "--ignore-certificate-errors",
        `--user-data-dir=${profile}`,
      ],
      protocolTimeout: 30_000,
    });
    return new HeadlessBrowser(browser, profile);
  }

  /** A new tab with a viewport of `width` x `height`; console errors are kept in `errors`. */
  async page(width = 640, height = 360): Promise<{ page: Page; errors: string[] }> {
    const page = await this.browser.newPage();
    await page.setViewport({ width, height });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    return { page, errors };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
    }
  }
}
