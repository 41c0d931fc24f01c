/**
 * A scripted clock for engine tests: engines take `now` as an argument, so tests advance this clock and
 * pass `clock.now` in. Nothing here reads the wall clock.
 */
export class FakeClock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  get now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` (never backwards). */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    this.#now += ms;
    return this.#now;
  }

  /** Jumps to an absolute time not earlier than the current one (e.g. an engine's nextDeadline()). */
  advanceTo(t: number): number {
    if (!(t >= this.#now)) throw new RangeError(`FakeClock.advanceTo: ${t} is before now (${this.#now})`);
    this.#now = t;
    return this.#now;
  }
}
