import { Effect, Option, Redacted } from "effect"
import { createHmac, randomBytes } from "node:crypto"
import { SecurityConfig } from "../config/SecurityConfig.js"
import type { ToolInfo } from "../tools/ToolInfo.js"
import { classifyKey, isFreeTextKey, isIdentifierKey } from "./redaction/fieldClasses.js"
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
 * (the operator's hard choice wins). Cards and ID documents cannot be revealed.
 */
export interface RedactionHints {
  readonly reveals?: ReadonlyArray<RevealableClass>
}

export const redactedMarker = "[REDACTED]"
const maxDepth = 64

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

    const effectivePolicy = (hints: RedactionHints): RedactionPolicy => {
      const reveals = hints.reveals ?? []
      const relax = (fieldClass: RevealableClass): RedactionLevel =>
        reveals.includes(fieldClass) && policy[fieldClass] === "masked" ? "none" : policy[fieldClass]
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
      value: unknown,
      key: string | undefined,
      parentFreeText: boolean,
      rules: RedactionPolicy,
      depth: number
    ): unknown => {
      if (depth > maxDepth) return redactedMarker
      if (Array.isArray(value)) return value.map((item) => walk(item, key, parentFreeText, rules, depth + 1))
      if (typeof value === "object" && value !== null) {
        const freeText = key !== undefined && isFreeTextKey(key)
        return Object.fromEntries(
          Object.entries(value).map(([childKey, child]) => [
            childKey,
            walk(child, childKey, freeText, rules, depth + 1)
          ])
        )
      }
      if (typeof value !== "string" && typeof value !== "number") return value
      const fieldClass = key === undefined ? undefined : classifyKey(key)
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

    /** For log lines and error messages: emails, phones and card numbers fully masked, whatever the policy. */
    const redactText = (text: string): string =>
      scrub(text, { ...policy, card: "full", email: "full", phone: "full" })

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
  dependencies: [SecurityConfig.Default]
}) {}
