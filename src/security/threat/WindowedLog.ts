/**
 * Something kept up to date for the entries inside one window of a
 * `WindowedLog`: a count, the distinct guests, the matching entries. `index`
 * is the entry's position in the log since it was made (never reused).
 */
export interface WindowAggregate<T> {
  add(entry: T, index: number): void
  remove(entry: T, index: number): void
}

/** The entries of a log in (now - windowMs, now], as [start, end) positions, and their aggregate. */
export interface WindowView<A> {
  readonly start: number
  readonly end: number
  readonly aggregate: A
}

/** Kinds of window per log, and window lengths per kind, that are kept up to date. */
const maxKinds = 32

interface Tracker<T> {
  start: number
  end: number
  readonly windowMs: number
  readonly aggregate: WindowAggregate<T>
}

/**
 * An append-only log of timestamped entries with the trimming of the behaviour
 * profile (nothing older than `horizonMs`, at most `capacity` entries), and
 * sliding windows over it whose aggregates are updated by the entries that
 * enter and leave them. With the clock moving forward every entry enters and
 * leaves each window once, so a window costs O(1) amortised per entry however
 * long the history. If the clock steps back, the window start moves back too:
 * every answer is the one a scan from the newest entry would give.
 *
 * Mutable, owned by one profile, touched synchronously only.
 */
export class WindowedLog<T> {
  private entries: Array<T> = []
  /** Position of `entries[0]`. */
  private offset = 0
  /** Position of the oldest entry that still counts. */
  private head = 0
  private readonly trackers = new Map<unknown, Map<number, Tracker<T>>>()

  constructor(
    private readonly at: (entry: T) => number,
    private readonly horizonMs: number,
    private readonly capacity: number
  ) {}

  get end(): number {
    return this.offset + this.entries.length
  }

  get size(): number {
    return this.end - this.head
  }

  /** The entry at `position` (between the head and the end). */
  entry(position: number): T {
    return this.entries[position - this.offset]!
  }

  /** The newest entry, if any counts. */
  last(): T | undefined {
    return this.size > 0 ? this.entry(this.end - 1) : undefined
  }

  /** The entries that count, oldest first (a copy). */
  toArray(): Array<T> {
    return this.entries.slice(this.head - this.offset)
  }

  append(entry: T, now: number): void {
    this.entries.push(entry)
    this.trim(now)
  }

  /** Drop entries at or before `now - horizonMs` from the front, and all but the newest `capacity`. */
  trim(now: number): void {
    const cutoff = now - this.horizonMs
    const end = this.end
    let head = this.head
    while (head < end && this.at(this.entry(head)) <= cutoff) head++
    this.head = Math.max(head, end - this.capacity)
    const dropped = this.head - this.offset
    // Compact once a quarter of the array is dropped: a full log then holds at most 4/3 of `capacity` entries
    // (a client's calls of the hour are most of a busy server's heap), for three entries copied per append.
    if (dropped > 64 && dropped * 4 >= this.entries.length) this.compact()
  }

  // Windows let go of the dropped entries before the array forgets them.
  private compact(): void {
    for (const byWindow of this.trackers.values()) {
      for (const tracker of byWindow.values()) this.leaveEvicted(tracker)
    }
    this.entries = this.entries.slice(this.head - this.offset)
    this.offset = this.head
  }

  private leaveEvicted(tracker: Tracker<T>): void {
    if (tracker.start >= this.head) return
    const stop = Math.min(tracker.end, this.head)
    for (let position = tracker.start; position < stop; position++) {
      tracker.aggregate.remove(this.entry(position), position)
    }
    tracker.start = this.head
    tracker.end = Math.max(tracker.end, this.head)
  }

  /**
   * The window (now - windowMs, now] under the aggregate `kind` (one per kind
   * and window length, made by `make` on first use), brought up to date.
   */
  window<A extends WindowAggregate<T>>(kind: unknown, windowMs: number, now: number, make: () => A): WindowView<A> {
    let byWindow = this.trackers.get(kind)
    if (byWindow === undefined) {
      byWindow = new Map()
      // A rule that names a new kind per call (a fresh closure) gets a one-off window, not a leak.
      if (this.trackers.size < maxKinds) this.trackers.set(kind, byWindow)
    }
    let tracker = byWindow.get(windowMs)
    if (tracker === undefined) {
      tracker = { start: this.head, end: this.head, windowMs, aggregate: make() }
      if (byWindow.size < maxKinds) byWindow.set(windowMs, tracker)
    }
    this.leaveEvicted(tracker)
    const { aggregate } = tracker
    for (const end = this.end; tracker.end < end; tracker.end++) aggregate.add(this.entry(tracker.end), tracker.end)
    const cutoff = now - windowMs
    while (tracker.start < tracker.end && this.at(this.entry(tracker.start)) <= cutoff) {
      aggregate.remove(this.entry(tracker.start), tracker.start)
      tracker.start++
    }
    while (tracker.start > this.head && this.at(this.entry(tracker.start - 1)) > cutoff) {
      tracker.start--
      aggregate.add(this.entry(tracker.start), tracker.start)
    }
    return tracker as Tracker<T> & { readonly aggregate: A }
  }
}
