/**
 * The pipeline / bare table again with the stores a hotel group runs: the shared security state in a real
 * redis-server and the audit log in a real PostgreSQL 15 (schema made by `audit init-db` as the owner, the
 * server connected as the writer role of `audit init-db --print-sql`), both on loopback.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { freshDatabase } from "../../test/security/audit/pg/pgFixtures.js"
import { postgresMissing, startPostgres } from "../../test/support/postgresServer.js"
import type { RatioResult } from "./pipeline.js"
import { pipelineRatio } from "./pipeline.js"
import type { BenchSandbox } from "./processes.js"
import { serverBinary } from "./processes.js"
import { findRedisServer, startBenchRedis } from "./redisProcess.js"

export type RatioStoresResult = RatioResult | { readonly skipped: string }

export const ratioWithSharedStores = async (
  sandbox: BenchSandbox,
  options: { readonly calls: number; readonly runs: number }
): Promise<RatioStoresResult> => {
  const redisBinary = findRedisServer()
  if (redisBinary === undefined) return { skipped: "redis-server is not installed (apt-get install -y redis-server)" }
  if (postgresMissing !== undefined) return { skipped: postgresMissing }
  const redis = await startBenchRedis(redisBinary)
  const pg = await startPostgres()
  const dir = mkdtempSync(path.join(tmpdir(), "opera-bench-stores-"))
  try {
    const db = freshDatabase(pg)
    const init = spawnSync(process.execPath, [serverBinary, "audit", "init-db"], {
      env: { PATH: process.env.PATH ?? "", ...sandbox.env, OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl },
      encoding: "utf8",
      timeout: 60_000
    })
    if (init.status !== 0) throw new Error(`audit init-db failed: ${init.stderr.slice(0, 300)}`)
    const roles = db.grantRoles()
    const measured = await pipelineRatio(sandbox, {
      ...options,
      env: {
        OPERA_MCP_STATE_URL: redis.url,
        OPERA_MCP_STATE_KEY: "bench-only-state-key-0123456789abcdef0123",
        OPERA_SECURITY_AUDIT_DB_URL: roles.writerUrl,
        // The security-state file of a server on Redis is not used; its audit SQLite path neither.
        OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "unused-audit.db")
      }
    })
    // A figure of the wrong store measures nothing: the calls' rows must be in PostgreSQL.
    const rows = Number(pg.psql("SELECT count(*) FROM audit_events", db.name).trim())
    if (!(rows >= options.calls * options.runs)) {
      throw new Error(`the pipeline server wrote ${rows} audit rows to PostgreSQL for ${options.calls * options.runs} calls`)
    }
    return measured
  } finally {
    await pg.stop()
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
