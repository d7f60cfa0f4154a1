import type { FileSystem } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import type { KeyObject } from "node:crypto"
import { createHash } from "node:crypto"
import type { SigningKeyPair } from "../../crypto/signing.js"
import { signEd25519, verifyEd25519 } from "../../crypto/signing.js"
import type { SignedRow } from "./AuditStore.js"
import { canonicalBytes } from "./canonical.js"
import { CheckpointFileError } from "./errors.js"

/**
 * Checkpoints and anchors are Ed25519 signatures over (log id, sequence,
 * digest, time). A checkpoint's digest is the chain head at `sequence`; an
 * anchor's digest is the MAC of the last row retention removed, so the first
 * remaining row still chains to something signed.
 */
const checkpointMessage = (logId: string, row: SignedRow) =>
  canonicalBytes("opera-audit/checkpoint/v1", [logId, row.sequence, row.digest, row.created_at])

const anchorMessage = (logId: string, row: SignedRow) =>
  canonicalBytes("opera-audit/anchor/v1", [logId, row.sequence, row.digest, row.created_at, row.removed_rows])

export type SignedKind = "checkpoint" | "anchor"

export const signRow = (
  kind: SignedKind,
  signer: SigningKeyPair,
  logId: string,
  unsigned: Omit<SignedRow, "signer" | "signature">
): SignedRow => {
  const draft: SignedRow = { ...unsigned, signer: signer.publicKeyBase64, signature: new Uint8Array() }
  const message = kind === "checkpoint" ? checkpointMessage(logId, draft) : anchorMessage(logId, draft)
  return { ...draft, signature: signEd25519(signer.privateKey, message) }
}

export interface TrustedKey {
  readonly publicKey: KeyObject
  readonly publicKeyBase64: string
}

/** Signed by the trusted key, over exactly these fields? */
export const signatureHolds = (kind: SignedKind, trusted: TrustedKey, logId: string, row: SignedRow): boolean =>
  row.signer === trusted.publicKeyBase64 &&
  verifyEd25519(
    trusted.publicKey,
    kind === "checkpoint" ? checkpointMessage(logId, row) : anchorMessage(logId, row),
    row.signature
  )

const Hex64 = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

/** A checkpoint as exported by earlier versions: not linked to the one before it. */
const LegacyCheckpointFile = Schema.Struct({
  format: Schema.Literal("opera-audit-checkpoint/v1"),
  logId: Schema.String,
  sequence: Schema.Number,
  chainHead: Hex64,
  createdAt: Schema.Number,
  signer: Schema.String,
  signature: Schema.String
})

/**
 * An operator's `audit accept-rollback`: the entries before this one that are
 * of another log, or beyond `keptThrough`, belong to a chain the db no longer
 * holds and are no longer checked against it.
 */
export const Rebase = Schema.Struct({
  keptThrough: Schema.Number,
  abandonedSequence: Schema.Number,
  abandonedLogId: Schema.String
})
export type Rebase = typeof Rebase.Type

/**
 * A checkpoint as exported outside the db: plain JSON, hex digest, base64
 * signature. `previous` is the SHA-256 of the history line before it (null for
 * the first), and the signature covers it, so the history is a signed chain
 * of its own: an entry removed, changed or put back out of order breaks it.
 */
const LinkedCheckpointFile = Schema.Struct({
  format: Schema.Literal("opera-audit-checkpoint/v2"),
  logId: Schema.String,
  sequence: Schema.Number,
  chainHead: Hex64,
  createdAt: Schema.Number,
  previous: Schema.NullOr(Hex64),
  rebase: Schema.optional(Rebase),
  signer: Schema.String,
  signature: Schema.String
})

export const CheckpointFile = Schema.Union(LinkedCheckpointFile, LegacyCheckpointFile)
export type CheckpointFile = typeof CheckpointFile.Type

const linkedMessage = (file: Omit<typeof LinkedCheckpointFile.Type, "signature" | "signer" | "format">) =>
  canonicalBytes("opera-audit/exported-checkpoint/v2", [
    file.logId,
    file.sequence,
    Buffer.from(file.chainHead, "hex"),
    file.createdAt,
    file.previous,
    file.rebase?.keptThrough ?? null,
    file.rebase?.abandonedSequence ?? null,
    file.rebase?.abandonedLogId ?? null
  ])

/** The signed checkpoint row `row` as the next line of the exported history. */
export const toCheckpointFile = (
  signer: SigningKeyPair,
  logId: string,
  row: SignedRow,
  previous: string | null,
  rebase?: Rebase
): CheckpointFile => {
  const unsigned = {
    logId,
    sequence: row.sequence,
    chainHead: Buffer.from(row.digest).toString("hex"),
    createdAt: row.created_at,
    previous,
    ...(rebase === undefined ? {} : { rebase })
  }
  return {
    format: "opera-audit-checkpoint/v2",
    ...unsigned,
    signer: signer.publicKeyBase64,
    signature: signEd25519(signer.privateKey, linkedMessage(unsigned)).toString("base64")
  }
}

/** Signed by the trusted key, over exactly these fields (each format over its own)? */
export const fileSignatureHolds = (trusted: TrustedKey, file: CheckpointFile): boolean =>
  file.format === "opera-audit-checkpoint/v1"
    ? signatureHolds("checkpoint", trusted, file.logId, fromCheckpointFile(file))
    : file.signer === trusted.publicKeyBase64 &&
      verifyEd25519(trusted.publicKey, linkedMessage(file), Buffer.from(file.signature, "base64"))

export const fromCheckpointFile = (file: CheckpointFile): SignedRow => ({
  sequence: file.sequence,
  digest: Buffer.from(file.chainHead, "hex"),
  created_at: file.createdAt,
  removed_rows: 0,
  signer: file.signer,
  signature: Buffer.from(file.signature, "base64")
})

/** The link the next history line carries. */
export const lineDigest = (line: string): string => createHash("sha256").update(line.trim(), "utf8").digest("hex")

const decodeLine = Schema.decodeUnknownEither(Schema.parseJson(CheckpointFile))
export const latestFileName = "audit-checkpoint.json"
export const historyFileName = "audit-checkpoints.jsonl"

/**
 * Writes the checkpoint to `dir`: a line appended to the history first, then
 * the latest one atomically (temp file and rename), both mode 0600. A crash
 * between the two leaves the history one line ahead of the latest file, which
 * verify accepts; the other way round would look like a deleted history line.
 */
export const exportCheckpoint = (fs: FileSystem.FileSystem, dir: string, file: CheckpointFile) =>
  Effect.gen(function*() {
    const line = JSON.stringify(file)
    yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
    yield* fs.writeFileString(`${dir}/${historyFileName}`, `${line}\n`, { flag: "a", mode: 0o600 })
    const temporary = `${dir}/.${latestFileName}.${file.sequence}.tmp`
    yield* fs.writeFileString(temporary, `${line}\n`, { mode: 0o600 })
    yield* fs.rename(temporary, `${dir}/${latestFileName}`)
  }).pipe(
    Effect.mapError(() => new CheckpointFileError({ message: `could not write the checkpoint to ${dir}` }))
  )

export interface CheckpointLine {
  readonly text: string
  readonly file: CheckpointFile
}

/** Decodes a checkpoint file's text: one JSON object, or JSON lines (each one a checkpoint). */
export const decodeCheckpointText = (path: string, text: string) =>
  Effect.gen(function*() {
    const whole = decodeLine(text)
    if (Either.isRight(whole)) return [{ text: text.trim(), file: whole.right }] as ReadonlyArray<CheckpointLine>
    const lines = text.split("\n").filter((line) => line.trim().length > 0)
    const decoded = lines.map((line) => decodeLine(line))
    const bad = decoded.findIndex(Either.isLeft)
    if (lines.length === 0 || bad >= 0) {
      return yield* new CheckpointFileError({
        message: `${path} is not an audit checkpoint file (line ${Math.max(bad, 0) + 1} does not decode)`
      })
    }
    return decoded.flatMap((line, index) =>
      Either.isRight(line) ? [{ text: lines[index]!.trim(), file: line.right }] : []
    ) as ReadonlyArray<CheckpointLine>
  })

/** Reads a checkpoint file; missing or unreadable is an error that names the path. */
export const readCheckpointLines = (fs: FileSystem.FileSystem, path: string) =>
  fs.readFileString(path).pipe(
    Effect.mapError(() =>
      new CheckpointFileError({ message: `could not read the checkpoint file ${path} (missing or unreadable)` })
    ),
    Effect.flatMap((text) => decodeCheckpointText(path, text))
  )

export const readCheckpointFile = (fs: FileSystem.FileSystem, path: string) =>
  Effect.map(readCheckpointLines(fs, path), (lines) => lines.map((line) => line.file))
