import { describe, expect, it } from "@effect/vitest"
import { Cause, Exit } from "effect"
import { exitCodeOfError, exitCodes, exitStatus } from "../../../src/cli/exitCodes.js"
import { installationProblem } from "../../../src/cli/exitReport.js"
import { auditUnavailable, nativeModuleProblem } from "../../../src/security/audit/sqliteFailure.js"

// What Node's process.dlopen throws for an addon built for Node 18 (NODE_MODULE_VERSION 108) under Node 20.
const dlopenFailure = Object.assign(
  new Error(
    "The module '/srv/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
      "was compiled against a different Node.js version using\n" +
      "NODE_MODULE_VERSION 108. This version of Node.js requires\n" +
      "NODE_MODULE_VERSION 115. Please try re-compiling or re-installing\n" +
      "the module (for instance, using `npm rebuild` or `npm install`)."
  ),
  { code: "ERR_DLOPEN_FAILED" }
)

describe("better-sqlite3 that cannot load", () => {
  it("names both versions and the fix, never the addon's path", () => {
    const problem = nativeModuleProblem(dlopenFailure, "v20.20.2")
    expect(problem).toBe(
      "better-sqlite3 was built for another Node.js version (NODE_MODULE_VERSION 108; this is Node.js v20.20.2, " +
        "NODE_MODULE_VERSION 115): run `npm rebuild better-sqlite3` where opera-cloud-mcp is installed, with this Node.js"
    )
    expect(problem).not.toContain("/srv/app")
  })

  it("is found through a wrapping error's cause, and a missing build is named too", () => {
    expect(nativeModuleProblem(new Error("SqliteClient failed", { cause: dlopenFailure }), "v20.0.0")).toMatch(/NODE_MODULE_VERSION 108/)
    expect(nativeModuleProblem(new Error("Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node"), "v20.0.0"))
      .toMatch(/native module is missing.*npm rebuild better-sqlite3/)
    expect(nativeModuleProblem(new Error("SQLITE_BUSY: database is locked"), "v20.0.0")).toBeUndefined()
    expect(nativeModuleProblem("not an error", "v20.0.0")).toBeUndefined()
  })

  it("opening the audit log becomes a typed native_module failure with the installation exit status", () => {
    const error = auditUnavailable("/var/lib/audit.db", "be opened")(dlopenFailure)
    expect(error.reason).toBe("native_module")
    expect(error.message).toMatch(/^audit log \/var\/lib\/audit\.db cannot be opened: better-sqlite3 was built for another/)
    expect(exitCodeOfError(error)).toBe(exitCodes.installation)
  })

  it("a defect of a layer that opens SQLite ends the run with the installation status and the fix", () => {
    const cause = Cause.die(dlopenFailure)
    expect(installationProblem(cause)).toEqual(expect.objectContaining({ _tag: "Some" }))
    let code = -1
    exitStatus(Exit.failCause(cause), (status) => {
      code = status
    })
    expect(code).toBe(exitCodes.installation)
    exitStatus(Exit.die(new Error("a bug")), (status) => {
      code = status
    })
    expect(code).toBe(exitCodes.unexpected)
  })
})
