import { expect, it } from "vitest"
import { startPostgres } from "../../../support/postgresServer.js"
it("starts", async () => {
  const t = Date.now(); const pg = await startPostgres(); console.log("up", Date.now() - t)
  expect(pg.psql("SELECT 1")).toContain("1")
  await pg.stop(); console.log("down", Date.now() - t)
}, 60000)
