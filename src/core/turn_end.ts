import type { Clock } from "../time/mod.ts";

/**
 * Calls a function at the end of the current event-loop turn, or `holdMs` after it was first
 * armed (so that packets a publisher delivers in separate reads, a video frame and the audio
 * next to it, leave together), once per arming.
 */
export class TurnEnd {
  readonly #holdMs: number;
  readonly #clock: Clock | undefined;
  readonly #run: () => void;
  #armed = false;
  readonly #fire = () => {
    this.#armed = false;
    this.#run();
  };

  constructor(run: () => void, holdMs = 0, clock?: Clock) {
    this.#run = run;
    this.#holdMs = holdMs;
    this.#clock = clock;
  }

  arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    if (this.#holdMs <= 0) queueMicrotask(this.#fire);
    else if (this.#clock !== undefined) this.#clock.setTimeout(this.#fire, this.#holdMs);
    else setTimeout(this.#fire, this.#holdMs);
  }
}
