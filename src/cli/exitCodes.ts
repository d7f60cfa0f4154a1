import { ValidationError } from "@effect/cli"
import { Cause, ConfigError, Exit, Option } from "effect"
import { installationProblem } from "./exitReport.js"

/**
 * What a maintenance command's exit status means, so cron can tell a damaged
 * log from a store it could not reach (documented in the README's audit section).
 */
export const exitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  configuration: 3,
  storeUnreachable: 4,
  damaged: 5,
  rollback: 6,
  checkpointHistory: 7,
  installation: 8,
  /** `config validate --check-connection`: OPERA or the audit store could not be used. */
  connectionCheck: 9
} as const

const configurationTags = new Set([
  "AuditMisconfigured",
  "KeyMisconfigured",
  "ConfigurationInvalid",
  "StartupFailed",
  "ProductionChecklistFailed",
  "OAuthMisconfigured",
  "AlertChannelInvalid",
  "InvalidIpAllowList",
  "InsecureOperaBaseUrl",
  // The SIEM feed's cursor or output file is unusable (another log's cursor, unreadable, not writable).
  "AuditFeedFailed",
  "StateStoreMisconfigured"
])

const fieldOf = (error: object, name: string): unknown =>
  name in error ? (error as Record<string, unknown>)[name] : undefined

/** The exit status of a typed failure. */
export const exitCodeOfError = (error: unknown): number => {
  if (ValidationError.isValidationError(error)) return exitCodes.usage
  if (ConfigError.isConfigError(error)) return exitCodes.configuration
  if (typeof error !== "object" || error === null) return exitCodes.unexpected
  const tag = fieldOf(error, "_tag")
  if (tag === "AuditCommandFailed") {
    const verdict = fieldOf(error, "verdict")
    return verdict === "damaged" ? exitCodes.damaged : verdict === "rollback" ? exitCodes.rollback : exitCodes.usage
  }
  if (tag === "AuditUnavailable") {
    const reason = fieldOf(error, "reason")
    if (reason === "corrupt") return exitCodes.damaged
    if (reason === "rollback") return exitCodes.rollback
    if (reason === "native_module") return exitCodes.installation
    if (reason === "wrong_key" || reason === "disabled") return exitCodes.configuration
    return exitCodes.storeUnreachable
  }
  if (tag === "RollbackDetected") return exitCodes.rollback
  if (tag === "ConnectionCheckFailed") return exitCodes.connectionCheck
  if (tag === "StateUnavailable") return exitCodes.storeUnreachable
  if (tag === "OperatorTargetUnknown" || tag === "OperatorOptionInvalid") return exitCodes.usage
  if (tag === "CheckpointFileError") return exitCodes.checkpointHistory
  if (typeof tag === "string" && configurationTags.has(tag)) return exitCodes.configuration
  return exitCodes.unexpected
}

/** For NodeRuntime.runMain: the status of the whole run (interruption, e.g. Ctrl+C, is 0 as before). */
export const exitStatus = <E, A>(exit: Exit.Exit<A, E>, onExit: (code: number) => void): void => {
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return onExit(exitCodes.ok)
  if (Option.isSome(installationProblem(exit.cause))) return onExit(exitCodes.installation)
  onExit(Option.match(Cause.failureOption(exit.cause), {
    onNone: () => exitCodes.unexpected,
    onSome: exitCodeOfError
  }))
}
