/**
 * Value patterns for PII inside free text, and the masks applied to them.
 * A mask keeps the shape (separators, length) and at most a short tail.
 */

/** The Luhn checksum of a string of digits. */
export const luhnValid = (digits: string): boolean => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return digits.length > 0 && sum % 10 === 0
}

/** Replace every digit but the last `keep` with `*`. */
export const maskDigits = (text: string, keep: number): string => {
  let remaining = (text.match(/\d/g) ?? []).length - keep
  return text.replace(/\d/g, (digit) => remaining-- > 0 ? "*" : digit)
}

/** Replace every letter or digit but the last `keep` with `*`. */
export const maskAlnum = (text: string, keep: number): string => {
  const total = (text.match(/[\p{L}\p{N}]/gu) ?? []).length
  let remaining = total <= keep * 2 ? total : total - keep
  return text.replace(/[\p{L}\p{N}]/gu, (char) => remaining-- > 0 ? "*" : char)
}

/** Keep the first letter of each word: "Anna Maria" → "A*** M***". */
export const maskWords = (text: string): string =>
  text.replace(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu, (word) => `${word.slice(0, 1)}***`)

// Bounded as addresses are (local part ≤ 64, labels ≤ 63, TLD ≤ 24): with unbounded runs the scan was
// quadratic, and a 300,000-character argument echoed in an error message held the event loop for a minute
// (found by the 100,000-case fuzz run).
const emailPattern =
  /[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,24}/gu

export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf("@")
  return at <= 0 ? maskWords(email) : `${email.slice(0, 1)}***${email.slice(at)}`
}

export const replaceEmails = (text: string, mask: (email: string) => string): string =>
  text.replace(emailPattern, mask)

/**
 * Phone numbers in free text: international (`+44 20 7946 0958`, `0044…`) or
 * North-American with separators (`(212) 555-0100`). Bare digit runs are left
 * alone: in OPERA text they are mostly confirmation and room numbers.
 */
const phonePattern = /(?:\+|\b00)\d(?:[ ().-]{0,2}\d){6,14}|\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/g

export const replacePhones = (text: string, mask: (phone: string) => string): string =>
  text.replace(phonePattern, mask)

/** Digit runs with single space, dot, dash or underscore separators, where a card number may hide. */
const digitRun = /\+?\d(?:[ ._-]?\d){12,}/g

/**
 * Mask every digit that belongs to a Luhn-valid window of 13–19 consecutive
 * digits of a run (so a card number next to other digits is still found).
 * `keep` trailing digits of each masked stretch stay visible. Not card
 * numbers: a run written after "+" (an international phone number) and a
 * window starting with 0 (no payment card starts with 0; "0044…" is a phone).
 */
export const replaceCardNumbers = (text: string, keep: number): string =>
  text.replace(digitRun, (run) => {
    if (run.startsWith("+")) return run
    const positions: Array<number> = []
    for (let i = 0; i < run.length; i++) if (run.charCodeAt(i) >= 48 && run.charCodeAt(i) <= 57) positions.push(i)
    const digits = positions.map((position) => run[position]).join("")
    const masked = new Array<boolean>(digits.length).fill(false)
    for (let length = 13; length <= 19; length++) {
      for (let start = 0; start + length <= digits.length; start++) {
        const window = digits.slice(start, start + length)
        if (window[0] !== "0" && luhnValid(window)) masked.fill(true, start, start + length)
      }
    }
    const chars = run.split("")
    let index = masked.length - 1
    while (index >= 0) {
      if (!masked[index]) {
        index--
        continue
      }
      let kept = 0
      while (index >= 0 && masked[index]) {
        const position = positions[index] ?? 0
        if (kept < keep) kept++
        else chars[position] = "*"
        index--
      }
    }
    return chars.join("")
  })
