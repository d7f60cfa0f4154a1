import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runFidelity } from "../../../../scripts/fidelity/session.js"
import { defaultSpecsDir } from "../../../../scripts/fidelity/ohip/specs.js"
import { renderTable } from "../../../../scripts/fidelity/audit.js"
import { repoRoot } from "../sandbox/helpers.js"

/**
 * The fidelity suite inside `npm test`: the same run as `npm run fidelity`
 * (every tool through the pipeline against the sandbox, every exchange
 * checked against Oracle's specs) must end with zero failures.
 */
describe("OHIP fidelity", () => {
  it.live("every request, answer, route and client Schema agrees with Oracle's specs", () =>
    Effect.gen(function*() {
      const report = yield* runFidelity(defaultSpecsDir(repoRoot))
      const table = renderTable(report)
      expect(report.failures, table).toEqual([])
      expect(report.toolCalls).toBeGreaterThan(0)
      for (const module of ["oauth", "rsv", "crm"]) {
        const row = report.rows.find((candidate) => candidate.module === module)
        expect(row?.requests ?? 0, `${module} takes part`).toBeGreaterThan(0)
        expect(row?.responses).toBe(row?.requests)
      }
    }), 60_000)
})
