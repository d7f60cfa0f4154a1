import { Effect, Option, Redacted } from "effect"
import { createHmac, randomBytes } from "node:crypto"
import { SecurityConfig } from "../config/SecurityConfig.js"
import type { ToolInfo } from "../tools/ToolInfo.js"
import { carriesPersonName, classifyKey, isFreeTextKey, isIdentifierKey, isPersonKey, isPersonNameKey } from "./redaction/fieldClasses.js"
import type { FieldClass, RevealableClass } from "./redaction/fieldClasses.js"
import {
  maskAlnum,
  maskDigits,
  maskEmail,
  maskWords,
  replaceCardNumbers,
  replaceEmails,
  replacePhones
} from "./redaction/patterns.js"
import { KnownSecrets } from "./redaction/KnownSecrets.js"
import { piiHashKeyConfig, redactionPolicyConfig } from "./redaction/policy.js"
import type { RedactionLevel, RedactionPolicy } from "./redaction/policy.js"
import { untrusted } from "./redaction/untrusted.js"

export { untrusted } from "./redaction/untrusted.js"
export type { FieldClass, RevealableClass } from "./redaction/fieldClasses.js"
export type { RedactionLevel, RedactionPolicy } from "./redaction/policy.js"

/**
 * The per-tool flag: a tool whose job is to show some contact data (say
 * `get_guest_contact_details` reveals `["email", "phone"]`) lists those
 * classes. For them a `masked` policy becomes `none`; `full` stays `full`
 * (the operator's hard choice wins), and in GDPR mode names and addresses stay
 * masked. Cards and ID documents cannot be revealed.
 */
export interface RedactionHints {
  readonly reveals?: ReadonlyArray<RevealableClass>
}

export const redactedMarker = "[REDACTED]"
/** Stands in for one of the server's own secrets (a key, the OPERA secret or token, an API key). */
export const secretMarker = "[REDACTED SECRET]"
const maxDepth = 64
const apiKeyShape = /ocm_[A-Za-z0-9_-]{43}/g
const jwtShape = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g

const maskByClass = (fieldClass: FieldClass, text: string): string => {
  switch (fieldClass) {
    case "card":
      return maskDigits(text, 4)
    case "idDocument":
      return maskAlnum(text, 2)
    case "email":
      return maskEmail(text)
    case "phone":
      return maskDigits(text, 2)
    case "birthDate":
      return /^\d{4}-\d{2}-\d{2}/.test(text) ? `${text.slice(0, 4)}-**-**` : maskAlnum(text, 0)
    case "name":
    case "address":
      return maskWords(text)
  }
}

/**
 * Masks guest PII in tool results by field class, by key name at any depth and
 * by value pattern in every other string (Luhn-valid card numbers always,
 * emails and phone numbers by their policy), and marks OPERA free text
 * (comments, notes…) as untrusted data. Also hashes IPs and user agents under
 * GDPR mode / PII anonymisation.
 */
export class Redactor extends Effect.Service<Redactor>()("opera/Redactor", {
  effect: Effect.gen(function*() {
    const settings = yield* SecurityConfig
    const policy = yield* redactionPolicyConfig
    const hashKey = Option.match(yield* piiHashKeyConfig, {
      onNone: () => randomBytes(32),
      onSome: Redacted.value
    })
    const anonymizing = settings.enableGdprMode || settings.enablePiiAnonymization
    const known = yield* KnownSecrets

    /**
     * The server's own secrets, wherever they occur: every known value (indexOf per value: a handful
     * of fixed strings), and the shapes of credentials no one here knows the value of: HTTP API keys
     * (`ocm_` + 43 base64url characters, any client's) and compact JWTs (bearer tokens).
     */
    const maskSecrets = (text: string): string => {
      let out = text
      for (const [, secret] of known.current()) {
        if (out.indexOf(secret) !== -1) out = out.split(secret).join(secretMarker)
      }
      if (out.indexOf("ocm_") !== -1) out = out.replace(apiKeyShape, secretMarker)
      if (out.indexOf("eyJ") !== -1) out = out.replace(jwtShape, secretMarker)
      return out
    }

    const effectivePolicy = (hints: RedactionHints): RedactionPolicy => {
      const reveals = hints.reveals ?? []
      // GDPR mode masks names and addresses in every result: no tool's reveal hint unmasks them then.
      const relax = (fieldClass: RevealableClass): RedactionLevel =>
        reveals.includes(fieldClass) && policy[fieldClass] === "masked" &&
          !(settings.enableGdprMode && (fieldClass === "name" || fieldClass === "address"))
          ? "none"
          : policy[fieldClass]
      return {
        ...policy,
        email: relax("email"),
        phone: relax("phone"),
        name: relax("name"),
        address: relax("address"),
        birthDate: relax("birthDate")
      }
    }

    /** Patterns in a string that is not itself a classified field. */
    const scrub = (text: string, rules: RedactionPolicy): string => {
      let out = replaceCardNumbers(text, rules.card === "full" ? 0 : 4)
      if (rules.email !== "none") {
        out = replaceEmails(out, (email) => rules.email === "full" ? redactedMarker : maskEmail(email))
      }
      if (rules.phone !== "none") out = replacePhones(out, (phone) => maskDigits(phone, rules.phone === "full" ? 0 : 2))
      return out
    }

    const walk = (
      raw: unknown,
      key: string | undefined,
      parentFreeText: boolean,
      rules: RedactionPolicy,
      depth: number,
      person = false
    ): unknown => {
      if (depth > maxDepth) return redactedMarker
      if (Array.isArray(raw)) return raw.map((item) => walk(item, key, parentFreeText, rules, depth + 1, person))
      if (typeof raw === "object" && raw !== null) {
        const freeText = key !== undefined && isFreeTextKey(key)
        // An object held under a guest's key (guest, guests, accompanyingGuests…), or one that carries a
        // given name or surname, is a person: its combined `name` is that person's name.
        const isPerson = (key !== undefined && isPersonKey(key)) ||
          Object.keys(raw).some(carriesPersonName)
        return Object.fromEntries(
          Object.entries(raw).map(([childKey, child]) => [
            maskSecrets(childKey),
            walk(child, childKey, freeText, rules, depth + 1, isPerson)
          ])
        )
      }
      // The server's own secrets go first, before any mask could cut one into pieces that no longer match.
      const value = typeof raw === "string" ? maskSecrets(raw) : raw
      if (typeof value !== "string" && typeof value !== "number") return value
      const fieldClass = key === undefined
        ? undefined
        : classifyKey(key) ?? (person && isPersonNameKey(key) ? "name" : undefined)
      const level = fieldClass === undefined ? "none" : rules[fieldClass]
      if (fieldClass !== undefined && level === "full") return redactedMarker
      if (fieldClass !== undefined && level === "masked") return maskByClass(fieldClass, String(value))
      if (key !== undefined && isIdentifierKey(key)) return value
      // Numbers under no PII key are amounts, counts, rates and timestamps, and stay numbers: a 13-digit
      // epoch in milliseconds can pass the Luhn check. A whole number of 14+ digits can only be a card.
      if (typeof value === "number") {
        if (!Number.isInteger(value) || String(Math.abs(value)).length < 14) return value
        const digits = String(value)
        const clean = scrub(digits, rules)
        return clean === digits ? value : clean
      }
      const clean = scrub(value, rules)
      const isFreeText = key !== undefined && (isFreeTextKey(key) || (parentFreeText && key === "value"))
      return isFreeText ? untrusted(clean) : clean
    }

    /**
     * The result of `tool` as the client may see it. Pure: the input is not
     * modified. A tool's `reveals` hint relaxes `masked` classes to `none`.
     */
    const redactResult = (tool: ToolInfo & RedactionHints, value: unknown): unknown =>
      walk(value, undefined, false, effectivePolicy(tool), 0)

    /**
     * For log lines and error messages: the server's own secrets, emails, phones and card numbers fully
     * masked, whatever the policy.
     */
    const redactText = (text: string): string =>
      scrub(maskSecrets(text), { ...policy, card: "full", email: "full", phone: "full" })

    /**
     * With GDPR mode or PII anonymisation on, a keyed hash (HMAC-SHA256, 128
     * bits shown) stands in for an IP address or user agent; otherwise the value.
     */
    const anonymize = (kind: "ip" | "userAgent", value: string): string =>
      anonymizing
        ? `${kind}:${createHmac("sha256", hashKey).update(`${kind}\u0000${value}`, "utf8").digest("hex").slice(0, 32)}`
        : value

    /** A short keyed fingerprint of an IP address or user agent, whatever the policy: for results, never the value. */
    const fingerprint = (kind: "ip" | "userAgent", value: string): string =>
      `${kind}:${createHmac("sha256", hashKey).update(`${kind}\u0000${value}`, "utf8").digest("hex").slice(0, 12)}`

    return { redactResult, redactText, untrusted, anonymize, fingerprint, policy, anonymizing } as const
  }),
  dependencies: [SecurityConfig.Default, KnownSecrets.Default]
}) {}
