import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { freshKey, guest, tempDir, toolCall, withAuditLog } from "./fixtures.js"

const secrets = [guest.name, guest.email, guest.phone, guest.ip, guest.agent, "frontdesk-anna", "Quistorp", "5550 1234"]

const clearTextIn = (file: string) => {
  if (!existsSync(file)) return []
  const bytes = readFileSync(file)
  return secrets.filter((secret) => bytes.includes(Buffer.from(secret, "utf8")))
}

describe("audit db at rest", () => {
  it.effect("holds no guest name, email, phone, IP, user agent or client id in clear, in the db or its WAL", () => {
    const path = join(tempDir(), "audit.db")
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      for (let index = 0; index < 50; index++) yield* audit.append(toolCall({ correlationId: `c${index}` }))
      yield* audit.rotateKey("test")
      yield* audit.append(toolCall())
      expect(existsSync(`${path}-wal`)).toBe(true)
      expect(clearTextIn(path)).toEqual([])
      expect(clearTextIn(`${path}-wal`)).toEqual([])
      // What is in clear is what a report groups on: the tool and hotel are there.
      const all = Buffer.concat([readFileSync(path), readFileSync(`${path}-wal`)])
      expect(all.includes(Buffer.from("search_reservations"))).toBe(true)
      // The trail still reads it all back.
      expect((yield* audit.trail(1)).filter((row) => row.sensitive.emails?.[0] === guest.email)).toHaveLength(51)
    }).pipe(
      withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }),
      Effect.tap(() => Effect.sync(() => expect(clearTextIn(path)).toEqual([])))
    )
  })
})

describe("clear columns", () => {
  const card = "4111111111111111"
  it.effect("a hotel id that is not shaped like a hotel code (here a card number) is sealed, not stored in clear", () => {
    const path = join(tempDir(), "audit.db")
    return Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall({ hotelId: card, correlationId: "odd-hotel" }))
      yield* audit.append(toolCall({ hotelId: "+44 20 7946 0958", correlationId: "phone-hotel" }))
      yield* audit.append(toolCall({ hotelId: "SAND01", correlationId: "code" }))
      const all = Buffer.concat([readFileSync(path), existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0)])
      expect(all.includes(Buffer.from(card))).toBe(false)
      expect(all.includes(Buffer.from("7946 0958"))).toBe(false)
      expect(all.includes(Buffer.from("SAND01"))).toBe(true)
      // The trail reads every hotel id back, from the clear column or the sealed fields.
      expect((yield* audit.trail(1)).map((row) => row.hotelId)).toEqual([card, "+44 20 7946 0958", "SAND01"])
      expect((yield* audit.verify()).ok).toBe(true)
    }).pipe(withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }))
  })
})
