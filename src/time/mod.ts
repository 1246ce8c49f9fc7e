/**
 * Time: the injectable clock every component reads instead of the global timers.
 *
 * @module
 */
export { type Clock, sleep, systemClock, type TimerId } from "./clock.ts";
