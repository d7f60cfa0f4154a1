import { Either, Redacted, Schema } from "effect"
import { randomBytes } from "node:crypto"

/**
 * A key setting that is missing or malformed. The message names the setting
 * and what is wrong with it, never the value that was read.
 */
export class KeyMisconfigured extends Schema.TaggedError<KeyMisconfigured>()("KeyMisconfigured", {
  setting: Schema.String,
  message: Schema.String
}) {}

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Decodes a base64 key setting that must hold exactly `length` bytes. */
export const decodeKeySetting = (
  setting: string,
  value: Redacted.Redacted<string>,
  length = 32
): Either.Either<Buffer, KeyMisconfigured> => {
  const text = Redacted.value(value).trim()
  if (!base64Pattern.test(text)) {
    return Either.left(
      new KeyMisconfigured({
        setting,
        message: `${setting} must be base64 (${length} random bytes); run \`opera-cloud-mcp keys generate\` for a fresh one`
      })
    )
  }
  const bytes = Buffer.from(text, "base64")
  if (bytes.length !== length) {
    return Either.left(
      new KeyMisconfigured({
        setting,
        message: `${setting} must decode to exactly ${length} bytes but decodes to ${bytes.length}; ` +
          "run `opera-cloud-mcp keys generate` for a fresh one"
      })
    )
  }
  return Either.right(bytes)
}

/** Decodes a base64 value that is not secret (a public key) and must hold exactly `length` bytes. */
export const decodePublicSetting = (
  setting: string,
  value: string,
  length = 32
): Either.Either<Buffer, KeyMisconfigured> => decodeKeySetting(setting, Redacted.make(value), length)

/** A fresh random key of `length` bytes, as base64 (for `keys generate`). */
export const generateKeyBase64 = (length = 32): string => randomBytes(length).toString("base64")
