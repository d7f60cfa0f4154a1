import { Cause, Clock, Deferred, Effect, Either, Exit, Option, Ref } from "effect"
import { keyedHashHex } from "../../crypto/mac.js"
import type { AuditContext } from "./AuditContext.js"
import type { StoredRow } from "./chain.js"
import { genesisMac, rowMac } from "./chain.js"
import type { SequenceTaken, SignedRow } from "./AuditStore.js"
import {
  checkAgainstExported,
  exportedMetaName,
  keptThrough,
  readExportedHead,
  readExportedHistory
} from "./checkpointHistory.js"
import type { CheckpointLine, Rebase } from "./checkpoints.js"
import { exportCheckpoint, lineDigest, signRow, toCheckpointFile } from "./checkpoints.js"
import { AuditUnavailable } from "./errors.js"
import type { AuditEventInput, AuditReceipt } from "./model.js"
import { sealEvent } from "./rows.js"

/** The write side's view of the chain, kept in memory so an append costs one INSERT. */
export interface ChainState {
  readonly lastSequence: number
  readonly head: Buffer
  readonly lastCheckpointSequence: number
  readonly lastCheckpointAt: number | null
}

interface Waiting {
  readonly event: AuditEventInput
  readonly occurredAt: number
  readonly clientRef: string
  /** Set for a row queued behind a group in progress: the leader answers it. */
  readonly done: Deferred.Deferred<number, AuditUnavailable> | undefined
}

const maxResyncs = 8
/** Client refs remembered per journal: enough for every client of one server; the memo starts over when full. */
const clientRefMemo = 1024

/**
 * Appends rows to the chain.
 * - Group commit: the append that finds no write in progress writes its row
 *   at once; appends that arrive meanwhile queue up and the same caller
 *   commits them, a group per statement. Each caller returns only once its
 *   row is committed, so fail-closed holds; under concurrency many rows share
 *   one commit.
 * - A second process on the same file cannot fork the chain: the sequence is
 *   the primary key, so the loser of a race gets SequenceTaken, re-reads the
 *   head from the db and chains after the winner.
 */
export const makeAuditJournal = (context: AuditContext) =>
  Effect.gen(function*() {
    const { logId, periodKeys, store } = context
    const permit = yield* Effect.makeSemaphore(1)
    // client id → its keyed hash (an HMAC per append otherwise). Owned by this journal, bounded, in memory only.
    const clientRefs = new Map<string, string>()
    const clientRefOf = (clientId: string): string => {
      const known = clientRefs.get(clientId)
      if (known !== undefined) return known
      if (clientRefs.size >= clientRefMemo) clientRefs.clear()
      const ref = keyedHashHex(context.clientRefKey, clientId)
      clientRefs.set(clientId, ref)
      return ref
    }

    const readState = Effect.gen(function*() {
      const last = yield* store.lastEvent
      const anchor = yield* store.lastAnchor
      const checkpoint = yield* store.lastCheckpoint
      const head = Option.match(last, {
        onSome: (row) => ({ lastSequence: row.sequence, head: Buffer.from(row.mac) }),
        onNone: () =>
          Option.match(anchor, {
            onSome: (row) => ({ lastSequence: row.sequence, head: Buffer.from(row.digest) }),
            onNone: () => ({ lastSequence: 0, head: genesisMac(context.chainKey, logId) })
          })
      })
      return {
        ...head,
        lastCheckpointSequence: Option.match(checkpoint, { onNone: () => 0, onSome: (row) => row.sequence }),
        lastCheckpointAt: Option.match(checkpoint, { onNone: () => null, onSome: (row) => row.created_at })
      } satisfies ChainState
    })

    // The write side's state, in memory in this journal (one per open log), read and changed in synchronous
    // steps so that a lone append can seal, chain and commit its row in one: the chain head, whether close
    // has begun (no new rows then), whether this instance wrote rows (a read-only session signs nothing at
    // close), and whether an operation holds the permit.
    let chain: ChainState = yield* readState
    let accepting = true
    let wroteRows = false
    let held = false
    /** Runs `work` holding the permit: writes of groups, checkpoints, key rotation, retention. */
    const exclusively = <A, E, R>(work: Effect.Effect<A, E, R>) =>
      permit.withPermits(1)(
        Effect.suspend(() => {
          held = true
          return work
        }).pipe(Effect.ensuring(Effect.sync(() => {
          held = false
        })))
      )
    // A rollback found at start-up or at an export: appends and checkpoints are refused until accepted.
    const alarm = yield* Ref.make(yield* checkAgainstExported(context))
    // While an accepted rollback is being recorded, only its own rebase checkpoint is exported.
    const rebasing = yield* Ref.make(false)
    const resync = readState.pipe(Effect.map((fresh) => {
      chain = fresh
    }))

    /** Seals and chains the batch after the current head, and inserts it (one statement, so all or none). */
    const insertBatch = (batch: ReadonlyArray<Waiting>) =>
      Effect.gen(function*() {
        const current = chain
        const rows: Array<StoredRow> = []
        let head = current.head
        for (const [index, item] of batch.entries()) {
          const row = sealEvent({
            dataKey: periodKeys.sealingKeyNow(item.occurredAt) ?? (yield* periodKeys.sealingKey(item.occurredAt)),
            logId,
            sequence: current.lastSequence + 1 + index,
            occurredAt: item.occurredAt,
            clientRef: item.clientRef,
            event: item.event
          })
          head = rowMac(context.chainKey, head, row)
          rows.push({ ...row, mac: head })
        }
        // A group never holds more rows than one INSERT takes, so it is one atomic statement. It runs at once
        // on the connection when it can (SQLite, no transaction open), else through the client.
        const now = store.insertEventsNow(rows)
        if (Option.isSome(now)) yield* now.value
        else yield* store.insertEvents(rows)
        chain = { ...current, lastSequence: current.lastSequence + rows.length, head }
        return current.lastSequence + 1
      })

    const insertWithResync = (batch: ReadonlyArray<Waiting>, attempt: number):
      Effect.Effect<number, AuditUnavailable | SequenceTaken> =>
      insertBatch(batch).pipe(
        Effect.catchTag("SequenceTaken", (taken) =>
          attempt >= maxResyncs
            ? Effect.fail(taken)
            : resync.pipe(Effect.zipRight(insertWithResync(batch, attempt + 1))))
      )

    const sign = (current: ChainState, createdAt: number) =>
      signRow("checkpoint", context.signer, logId, {
        sequence: current.lastSequence,
        digest: current.head,
        created_at: createdAt,
        removed_rows: 0
      })
    const noteCheckpoint = (signed: SignedRow) =>
      Effect.sync(() => {
        chain = { ...chain, lastCheckpointSequence: signed.sequence, lastCheckpointAt: signed.created_at }
      })
    const raise = (error: AuditUnavailable) => Ref.set(alarm, Option.some(error)).pipe(Effect.zipRight(Effect.fail(error)))

    /**
     * With a checkpoint directory: one transaction that holds the db's write lock (so two servers on one
     * file export in turn), re-reads the head, checks the db against the newest exported checkpoint and
     * exports the next one linked to it. It never exports a checkpoint behind or off the chain of the
     * newest one: that is a rollback, and the alarm stays up.
     */
    const exportingCheckpoint = (dir: string, rebase?: Rebase) =>
      store.sql.withTransaction(Effect.gen(function*() {
        yield* store.takeWriteLock
        yield* resync
        const current = chain
        const nothingNew = current.lastSequence === 0 || current.lastSequence === current.lastCheckpointSequence
        if (rebase === undefined && nothingNew) return Option.none<number>()
        const head = yield* readExportedHead(context.fs, dir).pipe(
          Effect.catchAll(() => Effect.succeed(Option.none<CheckpointLine>()))
        )
        if (rebase === undefined) {
          const found = yield* checkAgainstExported(context)
          if (Option.isSome(found)) return yield* raise(found.value)
          if (Option.isSome(head) && head.value.file.sequence >= current.lastSequence) return Option.none<number>()
        }
        const signed = sign(current, Math.floor(yield* Clock.currentTimeMillis))
        yield* store.insertCheckpoint(signed)
        yield* noteCheckpoint(signed)
        const previous = Option.match(head, { onNone: () => null, onSome: (line) => lineDigest(line.text) })
        const file = toCheckpointFile(context.signer, logId, signed, previous, rebase)
        const exported = yield* exportCheckpoint(context.fs, dir, file).pipe(
          Effect.as(true),
          Effect.catchAll((error) =>
            Effect.logWarning(`audit checkpoint not exported: ${error.message}`).pipe(Effect.as(false))
          )
        )
        if (exported) yield* store.markExported(exportedMetaName, signed.sequence)
        return Option.some(signed.sequence)
      })).pipe(
        Effect.mapError((error) =>
          error._tag === "AuditUnavailable" ? error : store.unavailable("write a checkpoint")(error)
        )
      )

    /** Signs the current head; a no-op when no row was added since the last checkpoint. Needs the permit. */
    const checkpointUnlocked: Effect.Effect<Option.Option<number>, AuditUnavailable> = Effect.gen(function*() {
      const alarmed = yield* Ref.get(alarm)
      if (Option.isSome(alarmed)) return yield* alarmed.value
      if (yield* Ref.get(rebasing)) return Option.none()
      if (Option.isSome(context.checkpointDir)) return yield* exportingCheckpoint(context.checkpointDir.value)
      const current = chain
      if (current.lastSequence === 0 || current.lastSequence === current.lastCheckpointSequence) return Option.none()
      const signed = sign(current, Math.floor(yield* Clock.currentTimeMillis))
      yield* store.insertCheckpoint(signed)
      yield* noteCheckpoint(signed)
      return Option.some(signed.sequence)
    })

    const checkpointDue = () => chain.lastSequence - chain.lastCheckpointSequence >= context.checkpointEveryRows
    // The rows are written; a checkpoint that fails now is retried at the next trigger. Needs the permit.
    const checkpointAfterWrite = checkpointUnlocked.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning(`audit checkpoint failed: ${Cause.pretty(cause)}`))
    )

    /**
     * A lone append's write, in one synchronous step: sealed, chained and committed at once (SQLite, no
     * transaction open, the day's key already made). Undefined when it cannot be done so: the caller then
     * leads a group the usual way. Only while no group is being written and nobody holds the permit.
     */
    const writeNow = (item: Waiting): Either.Either<number, AuditUnavailable | SequenceTaken> | undefined =>
      Either.try({ try: () => writeNowUnsafe(item), catch: () => unexpectedWrite }).pipe(
        Either.match({ onLeft: Either.left, onRight: (written) => written })
      )
    const writeNowUnsafe = (item: Waiting): Either.Either<number, AuditUnavailable | SequenceTaken> | undefined => {
      const dataKey = store.dialect === "sqlite" ? periodKeys.sealingKeyNow(item.occurredAt) : undefined
      if (dataKey === undefined) return undefined
      const sequence = chain.lastSequence + 1
      const row = sealEvent({
        dataKey,
        logId,
        sequence,
        occurredAt: item.occurredAt,
        clientRef: item.clientRef,
        event: item.event
      })
      const mac = rowMac(context.chainKey, chain.head, row)
      const inserted = store.insertEventsNow([{ ...row, mac }])
      if (Option.isNone(inserted)) return undefined
      if (Either.isLeft(inserted.value)) return Either.left(inserted.value.left)
      chain = { ...chain, lastSequence: sequence, head: mac }
      wroteRows = true
      return Either.right(sequence)
    }

    const unexpectedWrite = new AuditUnavailable({
      reason: "io",
      message: `audit log ${store.path}: unexpected failure while writing`
    })
    const failureOf = (cause: Cause.Cause<AuditUnavailable>) =>
      Cause.failureOption(cause).pipe(Option.getOrElse(() => unexpectedWrite))
    const closing = new AuditUnavailable({ reason: "not_open", message: `audit log ${store.path} is closing` })

    /**
     * Commits one group (needs the permit) and answers the callers queued in it; the first row's sequence,
     * or why nothing was written. A log that began closing writes nothing more.
     */
    const commitGroup = (group: ReadonlyArray<Waiting>): Effect.Effect<Exit.Exit<number, AuditUnavailable>> =>
      Effect.suspend(() =>
        (accepting ? insertWithResync(group, 0) : Effect.fail(closing)).pipe(
          Effect.catchTag("SequenceTaken", (taken) =>
            new AuditUnavailable({
              reason: "busy",
              message: `audit log ${store.path}: sequence ${taken.sequence} kept being taken by another writer; try again`
            })),
          Effect.exit,
          Effect.tap((exit) => {
            group.forEach((item, index) => {
              if (item.done === undefined) return
              Deferred.unsafeDone(
                item.done,
                Exit.isSuccess(exit) ? Exit.succeed(exit.value + index) : Exit.fail(failureOf(exit.cause))
              )
            })
            if (Exit.isFailure(exit)) return Effect.void
            wroteRows = true
            return checkpointDue() ? checkpointAfterWrite : Effect.void
          })
        ))

    // Group commit, leader style. The append that finds no group in progress leads: it writes its own row at
    // once, in its own fiber (no hand-off to a writer fiber and back), then every row queued meanwhile, in
    // groups of up to one INSERT, before it lets go. An append that arrives while a group is being written
    // queues behind it with a Deferred and is answered by the leader. Each caller returns only once its row
    // is committed, so fail-closed holds; under concurrency many rows share one commit. This journal's own
    // state (in memory, one instance per open log): whether a leader is writing, and the rows queued for it.
    let leading = false
    const queued: Array<Waiting> = []
    const nextGroup = (size: number) => queued.splice(0, size)

    /**
     * Hands leadership back, or, when rows were queued after the last group (while the leader waited for the
     * permit), writes them first: the check and the release are one step, so no queued row is left unanswered.
     */
    const release: Effect.Effect<void> = Effect.suspend(() => {
      if (queued.length === 0) {
        leading = false
        return Effect.void
      }
      return exclusively(drain).pipe(Effect.zipRight(release))
    })
    const drain: Effect.Effect<void> = Effect.suspend(() =>
      queued.length === 0 ? Effect.void : commitGroup(nextGroup(store.maxRowsPerInsert)).pipe(Effect.zipRight(drain))
    )
    const lead = (own: Waiting): Effect.Effect<number, AuditUnavailable> =>
      exclusively(
        Effect.suspend(() => commitGroup([own, ...nextGroup(store.maxRowsPerInsert - 1)])).pipe(
          Effect.zipLeft(drain)
        )
      ).pipe(Effect.ensuring(release), Effect.flatten)

    // At close: take no new rows; the permit waits for a leader's groups to be written (rows queued behind
    // the close are answered "closing"), then the final head is signed if we wrote any (before the db closes).
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        accepting = false
        if (!wroteRows) return yield* exclusively(Effect.void)
        yield* exclusively(checkpointUnlocked).pipe(
          Effect.catchAll((error) => Effect.logWarning(`audit: no checkpoint at shutdown: ${error.message}`))
        )
      })
    )

    const append = (event: AuditEventInput): Effect.Effect<AuditReceipt, AuditUnavailable> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          const alarmed = yield* Ref.get(alarm)
          if (Option.isSome(alarmed)) return yield* alarmed.value
          // Whole milliseconds: the column is INTEGER (a TestClock or adjusted clock can give fractions).
          const occurredAt = Math.floor(yield* Clock.currentTimeMillis)
          const row = { event, occurredAt, clientRef: clientRefOf(event.clientId) }
          // One synchronous step: either a leader is writing (it will answer this row) or this caller leads.
          const sequence = yield* Effect.withFiberRuntime<number, AuditUnavailable>((fiber) => {
            if (!accepting) return Effect.fail(closing)
            if (leading) {
              const done = Deferred.unsafeMake<number, AuditUnavailable>(fiber.id())
              queued.push({ ...row, done })
              return restore(Deferred.await(done))
            }
            const item = { ...row, done: undefined }
            // Nobody writing, nobody holding the permit: the row is committed in this very step.
            const now = held ? undefined : writeNow(item)
            if (now !== undefined && Either.isRight(now)) {
              return checkpointDue() ? exclusively(checkpointAfterWrite).pipe(Effect.as(now.right)) : Effect.succeed(now.right)
            }
            if (now !== undefined && now.left._tag === "AuditUnavailable") return Effect.fail(now.left)
            // Otherwise (the write needs a step that waits, or another writer took the sequence): lead a group.
            leading = true
            return lead(item)
          })
          return { sequence }
        })
      )

    const checkpoint = exclusively(checkpointUnlocked)

    /** A new random data key for the current day; rows written from now on are sealed with it. */
    const rotateKey = exclusively(
      Effect.gen(function*() {
        const rotated = yield* periodKeys.rotate(Math.floor(yield* Clock.currentTimeMillis))
        const rotation = Number(rotated.keyId.slice(rotated.keyId.lastIndexOf(".") + 1))
        return { generation: rotation + 1, keyId: rotated.keyId }
      })
    )

    /** Runs `work` with appends held back (retention, which must not race a write). */
    const exclusive = <A, E, R>(work: Effect.Effect<A, E, R>) =>
      exclusively(work.pipe(Effect.tap(() => resync.pipe(Effect.ignore))))

    /**
     * The operator's answer to a rollback alarm, after investigation: `admin` (naming who and why) is
     * appended, then the head is exported as a rebase entry linked to the newest exported one, which
     * records how far the old history still matches the db. None when there was no alarm.
     */
    const acceptRollback = (admin: (found: string, kept: Rebase) => AuditEventInput) =>
      Effect.gen(function*() {
        const alarmed = yield* Ref.get(alarm)
        if (Option.isNone(alarmed) || Option.isNone(context.checkpointDir)) return Option.none<Rebase>()
        const dir = context.checkpointDir.value
        const history = yield* readExportedHistory(context.fs, dir, context.trusted).pipe(
          Effect.catchAll((error) =>
            new AuditUnavailable({
              reason: "rollback",
              message: `${error.message}; move the files of ${dir} aside for investigation, then accept again ` +
                "to start a new history"
            }))
        )
        const kept = yield* keptThrough(context, Option.match(history, { onNone: () => [], onSome: (h) => h.live }))
        yield* Ref.set(alarm, Option.none())
        yield* Ref.set(rebasing, true)
        const accepted = Effect.gen(function*() {
          yield* append(admin(alarmed.value.message, kept))
          return yield* exclusively(exportingCheckpoint(dir, kept))
        })
        yield* accepted.pipe(
          Effect.tapError(() => Ref.set(alarm, alarmed)),
          Effect.ensuring(Ref.set(rebasing, false))
        )
        return Option.some(kept)
      })

    return {
      append,
      checkpoint,
      rotateKey,
      exclusive,
      acceptRollback,
      alarm: Ref.get(alarm),
      state: Effect.sync(() => chain),
      resync
    } as const
  })

export type AuditJournal = Effect.Effect.Success<ReturnType<typeof makeAuditJournal>>
