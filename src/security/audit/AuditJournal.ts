import { Cause, Clock, Deferred, Effect, Fiber, Option, Queue, Ref } from "effect"
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
  readonly done: Deferred.Deferred<number, AuditUnavailable>
}

const maxResyncs = 8
/** Client refs remembered per journal: enough for every client of one server; the memo starts over when full. */
const clientRefMemo = 1024

/**
 * Appends rows to the chain.
 * - Group commit: appends queue up for one writer fiber, which commits
 *   whatever is queued as one transaction. Each caller returns only once its
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

    const state = yield* Ref.make(yield* readState)
    // A rollback found at start-up or at an export: appends and checkpoints are refused until accepted.
    const alarm = yield* Ref.make(yield* checkAgainstExported(context))
    // While an accepted rollback is being recorded, only its own rebase checkpoint is exported.
    const rebasing = yield* Ref.make(false)
    // Whether this instance added rows: a read-only session (verify, report) signs nothing at close.
    const wroteRows = yield* Ref.make(false)
    const resync = readState.pipe(Effect.flatMap((fresh) => Ref.set(state, fresh)))

    /** Seals and chains the batch after the current head, and inserts it (one statement, so all or none). */
    const insertBatch = (batch: ReadonlyArray<Waiting>) =>
      Effect.gen(function*() {
        const current = yield* Ref.get(state)
        const rows: Array<StoredRow> = []
        let head = current.head
        for (const [index, item] of batch.entries()) {
          const row = sealEvent({
            dataKey: yield* periodKeys.sealingKey(item.occurredAt),
            logId,
            sequence: current.lastSequence + 1 + index,
            occurredAt: item.occurredAt,
            clientRef: item.clientRef,
            event: item.event
          })
          head = rowMac(context.chainKey, head, row)
          rows.push({ ...row, mac: head })
        }
        // The writer never takes more than one INSERT holds, so a group is one atomic statement.
        yield* store.insertEvents(rows)
        yield* Ref.set(state, { ...current, lastSequence: current.lastSequence + rows.length, head })
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
      Ref.update(state, (s) => ({ ...s, lastCheckpointSequence: signed.sequence, lastCheckpointAt: signed.created_at }))
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
        const current = yield* Ref.get(state)
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
      const current = yield* Ref.get(state)
      if (current.lastSequence === 0 || current.lastSequence === current.lastCheckpointSequence) return Option.none()
      const signed = sign(current, Math.floor(yield* Clock.currentTimeMillis))
      yield* store.insertCheckpoint(signed)
      yield* noteCheckpoint(signed)
      return Option.some(signed.sequence)
    })

    /** Writes a batch and answers each of its callers, whatever happens (uninterruptible). */
    const writeBatch = (batch: ReadonlyArray<Waiting>) =>
      permit.withPermits(1)(Effect.gen(function*() {
        const answer = (outcome: (item: Waiting, index: number) => Effect.Effect<boolean>) =>
          Effect.forEach(batch, outcome, { discard: true })
        yield* insertWithResync(batch, 0).pipe(
          Effect.catchTag("SequenceTaken", (taken) =>
            new AuditUnavailable({
              reason: "busy",
              message: `audit log ${store.path}: sequence ${taken.sequence} kept being taken by another writer; try again`
            })),
          Effect.matchCauseEffect({
            onSuccess: (first) =>
              Ref.set(wroteRows, true).pipe(
                Effect.zipRight(answer((item, index) => Deferred.succeed(item.done, first + index)))
              ),
            onFailure: (cause) => answer((item) => Deferred.fail(item.done, failureOf(cause)))
          })
        )
        const current = yield* Ref.get(state)
        if (current.lastSequence - current.lastCheckpointSequence >= context.checkpointEveryRows) {
          // The rows are written; a checkpoint that fails now is retried at the next trigger.
          yield* checkpointUnlocked.pipe(
            Effect.catchAll((error) => Effect.logWarning(`audit checkpoint failed: ${error.message}`))
          )
        }
      })).pipe(Effect.uninterruptible)

    const failureOf = (cause: Cause.Cause<AuditUnavailable>) =>
      Cause.failureOption(cause).pipe(Option.getOrElse(() =>
        new AuditUnavailable({ reason: "io", message: `audit log ${store.path}: unexpected failure while writing` })
      ))
    const closing = new AuditUnavailable({ reason: "not_open", message: `audit log ${store.path} is closing` })

    // The writer: takes whatever is queued (up to one INSERT's worth) and commits it as one batch,
    // until it meets `stop`, which close puts behind every row accepted while open.
    const stop = "stop" as const
    const queue = yield* Queue.unbounded<Waiting | typeof stop>()
    const open = yield* Ref.make(true)
    const closed = yield* Deferred.make<void>()
    // One yield between the first row and the rest lets callers just answered queue their next rows,
    // so under load a group holds every row in flight instead of alternating half-groups. A lone caller
    // (the last group was one row and nothing else is queued) has nobody to wait for: its row goes at once.
    const takeGroup = (lastGroupSize: number) =>
      Queue.take(queue).pipe(
        Effect.flatMap((first) =>
          first === stop
            ? Effect.succeed([first])
            : Queue.size(queue).pipe(
              Effect.flatMap((queued) => queued === 0 && lastGroupSize <= 1 ? Effect.void : Effect.yieldNow()),
              Effect.zipRight(Queue.takeUpTo(queue, store.maxRowsPerInsert - 1)),
              Effect.map((rest) => rest.length === 0 ? [first] : [first, ...rest])
            )
        )
      )
    const writeUntilStop = (lastGroupSize: number): Effect.Effect<void> =>
      takeGroup(lastGroupSize).pipe(
        Effect.flatMap((taken) => {
          const end = taken.indexOf(stop)
          const batch = (end < 0 ? taken : taken.slice(0, end)).filter((item): item is Waiting => item !== stop)
          return (batch.length === 0 ? Effect.void : writeBatch(batch)).pipe(
            Effect.zipRight(end < 0 ? writeUntilStop(batch.length) : Effect.void)
          )
        })
      )
    const writer = yield* Effect.forkScoped(writeUntilStop(0))
    // At close: take no new rows, let the writer commit every row accepted so far, answer any
    // straggler "closing", then sign the final head if we wrote any (before the db closes).
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* Ref.set(open, false)
        yield* Queue.offer(queue, stop)
        yield* Fiber.await(writer)
        const left = yield* Queue.takeAll(queue)
        yield* Queue.shutdown(queue)
        yield* Effect.forEach(left, (item) => item === stop ? Effect.void : Deferred.fail(item.done, closing), {
          discard: true
        })
        yield* Deferred.succeed(closed, undefined)
        if (!(yield* Ref.get(wroteRows))) return
        yield* permit.withPermits(1)(checkpointUnlocked).pipe(
          Effect.catchAll((error) => Effect.logWarning(`audit: no checkpoint at shutdown: ${error.message}`))
        )
      })
    )

    const append = (event: AuditEventInput): Effect.Effect<AuditReceipt, AuditUnavailable> =>
      Effect.gen(function*() {
        if (!(yield* Ref.get(open))) return yield* closing
        const alarmed = yield* Ref.get(alarm)
        if (Option.isSome(alarmed)) return yield* alarmed.value
        const done = yield* Deferred.make<number, AuditUnavailable>()
        const item: Waiting = {
          event,
          // Whole milliseconds: the column is INTEGER (a TestClock or adjusted clock can give fractions).
          occurredAt: Math.floor(yield* Clock.currentTimeMillis),
          clientRef: clientRefOf(event.clientId),
          done
        }
        yield* Queue.offer(queue, item).pipe(Effect.catchAllCause(() => Deferred.fail(done, closing)))
        // Accepted while open: the writer answers before it stops. Accepted during close:
        // either the writer or close answers, whichever gets to it.
        const answered = (yield* Ref.get(open))
          ? Deferred.await(done)
          : Deferred.await(done).pipe(Effect.raceFirst(Effect.zipRight(Deferred.await(closed), closing)))
        return { sequence: yield* answered }
      })

    const checkpoint = permit.withPermits(1)(checkpointUnlocked)

    /** A new random data key for the current day; rows written from now on are sealed with it. */
    const rotateKey = permit.withPermits(1)(
      Effect.gen(function*() {
        const rotated = yield* periodKeys.rotate(Math.floor(yield* Clock.currentTimeMillis))
        const rotation = Number(rotated.keyId.slice(rotated.keyId.lastIndexOf(".") + 1))
        return { generation: rotation + 1, keyId: rotated.keyId }
      })
    )

    /** Runs `work` with appends held back (retention, which must not race a write). */
    const exclusive = <A, E, R>(work: Effect.Effect<A, E, R>) =>
      permit.withPermits(1)(work.pipe(Effect.tap(() => resync.pipe(Effect.ignore))))

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
          return yield* permit.withPermits(1)(exportingCheckpoint(dir, kept))
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
      state: Ref.get(state),
      resync
    } as const
  })

export type AuditJournal = Effect.Effect.Success<ReturnType<typeof makeAuditJournal>>
