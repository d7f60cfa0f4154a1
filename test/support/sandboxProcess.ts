import { Effect, ManagedRuntime, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"

export interface RunningSandbox {
  readonly sandbox: Sandbox
  /** OPERA_* settings that point a server process at this sandbox, with a fresh audit db and key. */
  readonly env: Record<string, string>
  /** Every secret a leak scan looks for: client secret, app key, audit key, and (later) issued tokens. */
  readonly secrets: () => Promise<ReadonlyArray<string>>
  readonly auditDbPath: string
  readonly stop: () => Promise<void>
}

/** Starts the OPERA sandbox in this test process on a loopback port the OS picks. */
export const startSandbox = async (settings: Record<string, string> = {}): Promise<RunningSandbox> => {
  const runtime = ManagedRuntime.make(Sandbox.layer())
  const sandbox = await runtime.runPromise(Sandbox)
  const auditKey = randomBytes(32).toString("base64")
  const auditDbPath = path.join(mkdtempSync(path.join(tmpdir(), "opera-audit-")), "audit.db")
  const { credentials } = sandbox
  const env: Record<string, string> = {
    OPERA_BASE_URL: sandbox.baseUrl,
    OPERA_CLIENT_ID: credentials.clientId,
    OPERA_CLIENT_SECRET: Redacted.value(credentials.clientSecret),
    OPERA_APP_KEY: Redacted.value(credentials.appKey),
    OPERA_ENTERPRISE_ID: credentials.enterpriseId,
    OPERA_HOTEL_ID: sandbox.hotelId,
    OPERA_SCOPE: credentials.scope,
    OPERA_SECURITY_AUDIT_DB_PATH: auditDbPath,
    OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: auditKey,
    ...settings
  }
  return {
    sandbox,
    env,
    auditDbPath,
    secrets: async () => [
      Redacted.value(credentials.clientSecret),
      Redacted.value(credentials.appKey),
      auditKey,
      ...(await runtime.runPromise(Effect.map(sandbox.issuedTokens, (tokens) => [...tokens])))
    ],
    stop: () => runtime.dispose()
  }
}
