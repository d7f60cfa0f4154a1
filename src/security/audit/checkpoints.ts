import type { FileSystem } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import type { KeyObject } from "node:crypto"
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

/** A checkpoint as exported outside the db: plain JSON, hex digest, base64 signature. */
export const CheckpointFile = Schema.Struct({
  format: Schema.Literal("opera-audit-checkpoint/v1"),
  logId: Schema.String,
  sequence: Schema.Number,
  chainHead: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/)),
  createdAt: Schema.Number,
  signer: Schema.String,
  signature: Schema.String
})
export type CheckpointFile = typeof CheckpointFile.Type

export const toCheckpointFile = (logId: string, row: SignedRow): CheckpointFile => ({
  format: "opera-audit-checkpoint/v1",
  logId,
  sequence: row.sequence,
  chainHead: Buffer.from(row.digest).toString("hex"),
  createdAt: row.created_at,
  signer: row.signer,
  signature: Buffer.from(row.signature).toString("base64")
})

export const fromCheckpointFile = (file: CheckpointFile): SignedRow => ({
  sequence: file.sequence,
  digest: Buffer.from(file.chainHead, "hex"),
  created_at: file.createdAt,
  removed_rows: 0,
  signer: file.signer,
  signature: Buffer.from(file.signature, "base64")
})

const decodeLine = Schema.decodeUnknownEither(Schema.parseJson(CheckpointFile))
export const latestFileName = "audit-checkpoint.json"
export const historyFileName = "audit-checkpoints.jsonl"

/**
 * Writes the checkpoint to `dir`: the latest one atomically (temp file and
 * rename) and a line appended to the history, both mode 0600.
 */
export const exportCheckpoint = (fs: FileSystem.FileSystem, dir: string, file: CheckpointFile) =>
  Effect.gen(function*() {
    const line = JSON.stringify(file)
    yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
    const temporary = `${dir}/.${latestFileName}.${file.sequence}.tmp`
    yield* fs.writeFileString(temporary, `${line}\n`, { mode: 0o600 })
    yield* fs.rename(temporary, `${dir}/${latestFileName}`)
    yield* fs.writeFileString(`${dir}/${historyFileName}`, `${line}\n`, { flag: "a", mode: 0o600 })
  }).pipe(
    Effect.mapError(() => new CheckpointFileError({ message: `could not write the checkpoint to ${dir}` }))
  )

/** Reads a checkpoint file: one JSON object, or JSON lines (each one a checkpoint). */
export const readCheckpointFile = (fs: FileSystem.FileSystem, path: string) =>
  Effect.gen(function*() {
    const text = yield* fs.readFileString(path).pipe(
      Effect.mapError(() => new CheckpointFileError({ message: `could not read the checkpoint file ${path}` }))
    )
    const whole = decodeLine(text)
    if (Either.isRight(whole)) return [whole.right]
    const lines = text.split("\n").filter((line) => line.trim().length > 0)
    const decoded = lines.map((line) => decodeLine(line))
    const bad = decoded.findIndex(Either.isLeft)
    if (lines.length === 0 || bad >= 0) {
      return yield* new CheckpointFileError({
        message: `${path} is not an audit checkpoint file (line ${Math.max(bad, 0) + 1} does not decode)`
      })
    }
    return decoded.flatMap((line) => (Either.isRight(line) ? [line.right] : []))
  })
