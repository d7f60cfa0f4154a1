/**
 * An exact sliding-window log: the instants (epoch ms, ascending) of the
 * events admitted during the last window.
 *
 * Law: an event at `now` is admitted iff fewer than `limit` admitted events lie
 * in the half-open interval (now - windowMs, now]. Then every half-open interval
 * [a, a + windowMs) holds at most `limit` admitted events — take the last one
 * admitted inside it: all the others are later than its instant minus the
 * window, so they were counted when it was admitted. The log never holds more
 * than `limit` entries, so memory is bounded per key.
 */
export type SlidingLog = ReadonlyArray<number>

export type Admission =
  | { readonly admitted: true; readonly log: SlidingLog }
  | { readonly admitted: false; readonly retryAfterMs: number; readonly log: SlidingLog }

/** Drop the instants that no longer count at `now`. */
export const recent = (log: SlidingLog, now: number, windowMs: number): SlidingLog => {
  let first = 0
  while (first < log.length && (log[first] ?? Infinity) <= now - windowMs) first++
  return first === 0 ? log : log.slice(first)
}

/**
 * Admit one event at `now` or say how long until one would be admitted: the
 * oldest counted instant leaves the window `windowMs` after it happened.
 */
export const admit = (log: SlidingLog, now: number, limit: number, windowMs: number): Admission => {
  const counted = recent(log, now, windowMs)
  if (counted.length < limit) return { admitted: true, log: [...counted, now] }
  const blocking = counted[counted.length - limit] ?? now
  return { admitted: false, retryAfterMs: Math.max(1, blocking + windowMs - now), log: counted }
}

/** Record an event unconditionally (failures), keeping at most `keep` instants. */
export const append = (log: SlidingLog, now: number, windowMs: number, keep: number): SlidingLog => {
  const counted = [...recent(log, now, windowMs), now]
  return counted.length > keep ? counted.slice(counted.length - keep) : counted
}
