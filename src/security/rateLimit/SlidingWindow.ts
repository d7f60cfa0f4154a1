/**
 * The sliding-window log of `slidingLog.ts`, kept in place: a queue of the
 * instants (epoch ms) that still count, so a decision costs O(1) amortised
 * instead of copying the log. It follows `admit` and `append` step for step
 * (drop the instants at or before `now - windowMs` from the front, then
 * append), so it gives the same answers for any sequence of instants; the
 * property test in test/security/rateLimit checks that against the pure law.
 *
 * A window belongs to the one Layer instance that made it (never module
 * state) and is only touched synchronously, so no fiber sees it half-updated.
 */
export class SlidingWindow {
  /** Instants in arrival order; those before `head` no longer count. */
  private instants: Array<number> = []
  private head = 0

  /**
   * @param windowMs the length of the window
   * @param keep the most instants worth keeping (the limit, or the failure threshold)
   */
  constructor(readonly windowMs: number, readonly keep: number) {}

  /** How many instants count at `now`. Drops the rest. */
  counted(now: number): number {
    const cutoff = now - this.windowMs
    const instants = this.instants
    let head = this.head
    while (head < instants.length && instants[head]! <= cutoff) head++
    this.head = head
    // Reclaim the dropped prefix once it is most of the array: amortised O(1).
    if (head > 16 && head * 2 >= instants.length) {
      instants.copyWithin(0, head)
      instants.length -= head
      this.head = 0
    }
    return instants.length - this.head
  }

  /**
   * Admit one event at `now` if fewer than `limit` instants count, and return
   * 0; otherwise return how long until one would be admitted (≥ 1 ms): the
   * instant `limit` places back leaves the window `windowMs` after it happened.
   */
  admit(now: number, limit: number): number {
    const count = this.counted(now)
    if (count < limit) {
      this.instants.push(now)
      return 0
    }
    const blocking = this.instants[this.instants.length - limit] ?? now
    return Math.max(1, blocking + this.windowMs - now)
  }

  /** Record an event at `now` unconditionally, keeping the newest `keep`; returns how many count. */
  record(now: number): number {
    this.counted(now)
    this.instants.push(now)
    if (this.instants.length - this.head > this.keep) this.head = this.instants.length - this.keep
    return this.instants.length - this.head
  }

  /** True when nothing counts at `now` any more, so the window can be forgotten. */
  isIdle(now: number): boolean {
    return this.counted(now) === 0
  }
}
