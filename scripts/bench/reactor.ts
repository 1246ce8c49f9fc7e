/**
 * A minimal epoll loop for the load process: one non-blocking `epoll_wait` (on Deno's FFI thread
 * pool) per wake-up, then every ready socket's handler runs on the main thread.
 *
 * @module
 */
import { epollAdd, epollDel, EPOLLIN, libc } from "./libc.ts";

/** Called with the epoll event bits when `fd` is ready. */
export type ReadyHandler = (events: number) => void;

const MAX_EVENTS = 4096;
const WAIT_MS = 50;

/** Dispatches readiness of registered sockets until closed. */
export class Reactor {
  readonly #ep: number;
  readonly #handlers: (ReadyHandler | undefined)[] = [];
  readonly #events = new Uint8Array(MAX_EVENTS * 12);
  readonly #view = new DataView(this.#events.buffer);
  #closed = false;
  readonly #loop: Promise<void>;
  /** Errors thrown by handlers, reported by the owner. */
  onError: (e: unknown) => void = (e) => console.error(e);
  /**
   * Least time between two waits. With kernel receive timestamps (UDP) arrival times do not
   * depend on when a socket is read, so reading every 20 ms lets one recvmmsg take several
   * datagrams per socket instead of one: the load process then keeps up with 800 readers.
   */
  minIntervalMs = 0;

  constructor() {
    this.#ep = libc().epoll_create1(0o2000000);
    if (this.#ep < 0) throw new Error("epoll_create1 failed");
    this.#loop = this.#run();
  }

  /** Calls `handler` whenever `fd` is ready for `events` (level-triggered). */
  add(fd: number, handler: ReadyHandler, events = EPOLLIN): void {
    this.#handlers[fd] = handler;
    epollAdd(this.#ep, fd, events);
  }

  /** Stops watching `fd`. */
  remove(fd: number): void {
    if (this.#handlers[fd] === undefined) return;
    this.#handlers[fd] = undefined;
    epollDel(this.#ep, fd);
  }

  /** Stops the loop (after the current wait) and closes the epoll descriptor. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#loop;
    libc().close(this.#ep);
  }

  async #run(): Promise<void> {
    const c = libc();
    while (!this.#closed) {
      const started = performance.now();
      const n = await c.epoll_wait(this.#ep, this.#events, MAX_EVENTS, WAIT_MS);
      for (let i = 0; i < n && !this.#closed; i++) {
        const events = this.#view.getUint32(i * 12, true);
        const fd = this.#view.getUint32(i * 12 + 4, true);
        const h = this.#handlers[fd];
        if (h === undefined) continue;
        try {
          h(events);
        } catch (e) {
          this.onError(e);
        }
      }
      const rest = this.minIntervalMs - (performance.now() - started);
      if (n > 0 && rest > 1 && !this.#closed) await new Promise((r) => setTimeout(r, rest));
    }
  }
}
