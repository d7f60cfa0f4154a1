import { Effect, Schema } from "effect"
import { AuditLog } from "../../security/AuditLog.js"
import { SecurityReport } from "../../security/audit/model.js"
import { Redactor } from "../../security/Redactor.js"
import { CallContext } from "../CallContext.js"
import { defineTool, ToolError } from "../Tool.js"
import { callerView } from "./callerView.js"

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`

export const getSecurityReport = defineTool({
  name: "get_security_report",
  domain: "security",
  operations: [],
  description: "Security report from the audit log for the last N hours: success and failure rates, threat level, " +
    "high-risk events, unique clients, busiest tools and errors by type; of this client's own calls " +
    "(every client's for an admin client). No guest data.",
  annotations: {
    title: "Security report",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false
  },
  touchesGuestData: false,
  input: Schema.Struct({
    hours: Schema.optionalWith(
      Schema.Int.pipe(Schema.between(1, 24 * 90)).annotations({ description: "Window in hours (1–2160, default 24)" }),
      { default: () => 24 }
    )
  }),
  output: Schema.Struct({
    /** "own": this client's calls only; "house": every client's (admin, stdio). */
    view: Schema.Literal("own", "house"),
    report: SecurityReport
  }),
  facts: () => Effect.succeed({}),
  handler: (input) =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const caller = callerView(yield* CallContext, yield* Redactor)
      const report = yield* audit.report(input.hours, caller.reportClientId).pipe(
        Effect.mapError((problem) => new ToolError({ message: `The security report is not available: ${problem.message}` }))
      )
      return { view: caller.view, report }
    }),
  render: ({ report, view }) =>
    [
      `${view === "own" ? "This client, last" : "Last"} ${report.hours} h: ${report.totals.toolCalls} tool calls, ${percent(report.successRate)} succeeded, ` +
      `${percent(report.failureRate)} failed or refused; threat level ${report.threatLevel}`,
      `${report.highRiskEvents} high-risk events, ${report.uniqueClients} clients, ${report.totals.authEvents} authentication events`,
      ...report.topTools.slice(0, 5).map((tool) => `  ${tool.tool}: ${tool.calls} calls, ${tool.failures} failed`),
      ...Object.entries(report.errorsByTag).map(([tag, count]) => `  error ${tag}: ${count}`)
    ].join("\n")
})
