import { Either } from "effect"
import { openAesGcm, sealAesGcm } from "../../crypto/aead.js"
import { deriveKey } from "../../crypto/mac.js"

/**
 * The labels that lockout and block entries in Redis carry for the health
 * check and `lockouts list` (a client's name, which can be a person's: an
 * OAuth subject, an e-mail address), sealed with AES-256-GCM under a subkey of
 * `OPERA_MCP_STATE_KEY`, so Redis holds no client id in clear. The AAD names
 * the entry (its hash and field), so a label moved to another entry does not
 * open. Every replica has the same key, so any of them reads what another wrote.
 */
export interface LabelSeal {
  /** `label` sealed for the entry `field` of `place` (base64url: no `|`, which the entries use as separator). */
  readonly seal: (place: string, field: string, label: string) => string
  /** The label, or `unreadable:<first characters of the field>` when it does not open (another key, tampering). */
  readonly open: (place: string, field: string, sealed: string) => string
}

export const makeLabelSeal = (stateKey: Uint8Array): LabelSeal => {
  const key = deriveKey(stateKey, "opera-cloud-mcp", "security-state labels v1")
  const aad = (place: string, field: string) => Buffer.from(`${place}\u0000${field}`, "utf8")
  return {
    seal: (place, field, label) =>
      sealAesGcm(key, Buffer.from(label, "utf8"), aad(place, field)).toString("base64url"),
    open: (place, field, sealed) =>
      Either.match(openAesGcm(key, Buffer.from(sealed, "base64url"), aad(place, field)), {
        onLeft: () => `unreadable:${field.slice(0, 16)}`,
        onRight: (label) => label.toString("utf8")
      })
  }
}
