import * as Reactivity from "@effect/experimental/Reactivity"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { afterAll } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AuditLog } from "../../../src/security/AuditLog.js"
import type { AuditEventInput } from "../../../src/security/audit/model.js"

export const freshKey = () => randomBytes(32).toString("base64")

const madeDirs: Array<string> = []
afterAll(() => {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A fresh temp directory, removed after the test file. */
export const tempDir = (prefix = "audit-") => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  madeDirs.push(dir)
  return dir
}

/** Settings for an audit log; every test names its own db path and key. */
export const auditSettings = (entries: Record<string, string>) =>
  ConfigProvider.fromMap(new Map(Object.entries({ HOME: "/nonexistent-home", ...entries })))

/** The server-role AuditLog built inside the calling effect (so TestClock applies), with these settings. */
export const withAuditLog = (entries: Record<string, string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provide(AuditLog.Default),
      Effect.withConfigProvider(auditSettings(entries))
    )

export const withMaintenanceLog = (entries: Record<string, string>) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provide(AuditLog.Maintenance),
      Effect.withConfigProvider(auditSettings(entries))
    )

export const guest = {
  name: "Margarethe Quistorp",
  email: "m.quistorp@example-guest.test",
  phone: "+49 30 5550 1234",
  ip: "203.0.113.77",
  agent: "ClaudeDesktop/0.9 (Macintosh)"
} as const

export const toolCall = (overrides: Partial<AuditEventInput> = {}): AuditEventInput => ({
  kind: "tool_call",
  clientId: "api-key:frontdesk-anna",
  tool: "search_reservations",
  hotelId: "HOTEL1",
  objectIds: ["RSV-1001"],
  outcome: "success",
  riskScore: 0.1,
  riskLevel: "low",
  durationMs: 12.5,
  sensitive: {
    guestNames: [guest.name],
    emails: [guest.email],
    phones: [guest.phone],
    ipAddress: guest.ip,
    userAgent: guest.agent,
    details: `looked up ${guest.name}`
  },
  ...overrides
})

export const layerFor = (entries: Record<string, string>) =>
  AuditLog.Default.pipe(Layer.provide(Layer.setConfigProvider(auditSettings(entries))))

/** A second, independent connection to an audit db file (another process, an attacker, a lock holder). */
export const rawDb = (path: string) =>
  SqliteClient.make({ filename: path }).pipe(Effect.provide(Reactivity.layer))
