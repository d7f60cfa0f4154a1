// Named imports from the module paths: the namespaces would bundle undici and every other client.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { layerWithoutAgent, makeAgentLayer } from "@effect/platform-node/NodeHttpClient"
import { ConfigProvider, Effect, Layer, Logger, LogLevel } from "effect"
import { OperaConnectionFromEnv } from "./connectors/opera/client/OperaConnection.js"
import { SecurityConfig } from "./config/SecurityConfig.js"
import { OperaClient } from "./connectors/opera/client/OperaClient.js"
import { OperaTransport } from "./connectors/opera/client/OperaTransport.js"
import { TokenCache } from "./connectors/opera/client/TokenCache.js"
import { TokenStoreForState } from "./connectors/opera/client/TokenSharedStore.js"
import type { SandboxOptions } from "./connectors/opera/sandbox/Sandbox.js"
import { Sandbox } from "./connectors/opera/sandbox/Sandbox.js"
import { OperaConnectionFromSandbox } from "./connectors/opera/sandbox/SandboxConnection.js"
import { OperaConnector } from "./connectors/opera/OperaConnector.js"
import { OipaDatabase } from "./connectors/oipa/database/OipaDatabase.js"
import { OipaOracleSql } from "./connectors/oipa/database/OracleSqlClient.js"
import { OipaConnector } from "./connectors/oipa/OipaConnector.js"
import { OipaSandboxSql } from "./connectors/oipa/sandbox/OipaSandbox.js"
import type { AccessRule } from "./security/AccessPolicy.js"
import { AccessPolicy, AccessRules } from "./security/AccessPolicy.js"
import { AuditLog } from "./security/AuditLog.js"
import { AuditSecurityEvents } from "./security/AuditSecurityEvents.js"
import { IncidentResponder } from "./security/IncidentResponder.js"
import { ThreatConfig } from "./security/threat/ThreatConfig.js"
import type { ThreatDetector } from "./security/threat/ThreatDetector.js"
import { ThreatDetectors } from "./security/threat/ThreatDetector.js"
import { ThreatMonitor } from "./security/ThreatMonitor.js"
import { Confirmation } from "./security/Confirmation.js"
import { KeyRevocations } from "./security/clients/KeyRevocations.js"
import { RateLimiter } from "./security/RateLimiter.js"
import { InProcessStateStore } from "./security/state/InProcessStateStore.js"
import { RedisStateStore, stateUrlIsSet } from "./security/state/RedisStateStore.js"
import { Redactor } from "./security/Redactor.js"
import { UpstreamThrottle } from "./connectors/opera/client/UpstreamThrottle.js"
import { AssistantSurface } from "./tools/surface/AssistantSurface.js"
import { ToolRegistry } from "./tools/ToolRegistry.js"

/** JSON lines on stderr: stdout belongs to MCP. */
export const StderrJsonLogger = Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.jsonLogger))

/** Outgoing HTTP (node:http with keep-alive); TLS never goes below the configured minimum version. */
export const HttpClientLive = Layer.unwrapEffect(
  SecurityConfig.pipe(
    Effect.map((security) =>
      layerWithoutAgent.pipe(
        Layer.provide(makeAgentLayer({ keepAlive: true, minVersion: security.minTlsVersion }))
      )
    )
  )
)


/** Settings that make `--sandbox` work out of the box; the environment still wins. */
const sandboxDefaults: ReadonlyArray<readonly [string, string]> = [
  ["OPERA_SECURITY_AUDIT_DB_PATH", ":memory:"]
]

export type Mode =
  | { readonly _tag: "Property" }
  | { readonly _tag: "Sandbox"; readonly options?: SandboxOptions }

const connectionFor = (mode: Mode) =>
  mode._tag === "Property"
    ? OperaConnectionFromEnv
    : OperaConnectionFromSandbox.pipe(Layer.provideMerge(Sandbox.layer(mode.options)))

// The sandbox defaults sit under whatever provider is in force (the environment, or a test's map).
const configFor = (mode: Mode) =>
  mode._tag === "Property"
    ? Layer.empty
    : Layer.unwrapEffect(
      Effect.configProviderWith((current) =>
        Effect.succeed(Layer.setConfigProvider(
          current.pipe(ConfigProvider.orElse(() => ConfigProvider.fromMap(new Map(sandboxDefaults))))
        ))
      )
    )

// The security state: Redis shared by every replica when OPERA_MCP_STATE_URL is set, else this process's own.
const StateStoreLive = Layer.unwrapEffect(
  stateUrlIsSet.pipe(Effect.map((shared) => shared ? RedisStateStore : InProcessStateStore))
)

// OPERA: the throttle and the OAuth token go through the same state store as the security services
// (one instance: layers are shared by reference), so with Redis they hold for every replica together.
// OHIP requests go over OperaTransport (node:http); the token request stays on the platform client.
export const OperaLive = OperaClient.Default.pipe(
  Layer.provide(OperaTransport.Default),
  Layer.provideMerge(TokenCache.Default),
  Layer.provide(AuditLog.Default),
  Layer.provideMerge(UpstreamThrottle.DefaultWithoutDependencies),
  Layer.provide(TokenStoreForState.pipe(Layer.provide(NodeFileSystem.layer))),
  Layer.provide(HttpClientLive),
  Layer.provide(StateStoreLive)
)

// Threat monitoring: the built-in detectors, events into the audit log, incidents alerted over HTTP and SMTP.
// The responder is shared with the HTTP authenticator (bursts of failed keys are incidents too).
const ThreatLive = (detectors: ReadonlyArray<ThreatDetector>) =>
  ThreatMonitor.Default.pipe(
    Layer.provideMerge(IncidentResponder.DefaultWithoutDependencies.pipe(Layer.provide(ThreatConfig.Default))),
    Layer.provide(Layer.mergeAll(
      detectors.length === 0 ? ThreatDetectors.Default : ThreatDetectors.add(...detectors),
      AuditSecurityEvents
    )),
    Layer.provide(Layer.merge(HttpClientLive, AuditLog.Default))
  )

const SecurityLive = (extensions: AppExtensions) => Layer.mergeAll(
  AccessPolicy.Default.pipe(Layer.provide(AccessRules.layer(...extensions.accessRules ?? []))),
  RateLimiter.DefaultWithoutDependencies,
  Confirmation.DefaultWithoutDependencies,
  KeyRevocations.Default,
  Redactor.Default,
  AuditLog.Default,
  ThreatLive(extensions.threatDetectors ?? [])
).pipe(Layer.provideMerge(StateStoreLive))

/** A hotel's own rules on top of the built-in ones: they run on every tool call, and can only narrow. */
export interface AppExtensions {
  /** Run after the built-in threat detectors (see `ThreatDetector`). */
  readonly threatDetectors?: ReadonlyArray<ThreatDetector>
  /** Applied after the built-in access rules, to tools/list and to every call (see `AccessRule`). */
  readonly accessRules?: ReadonlyArray<AccessRule>
}

/** Everything one MCP server process needs, composed once. */
export const AppLayer = (mode: Mode, extensions: AppExtensions = {}) =>
  AssistantSurface.Default.pipe(
    Layer.provideMerge(ToolRegistry.Default),
    Layer.provideMerge(OperaConnector),
    Layer.provideMerge(SecurityLive(extensions)),
    Layer.provideMerge(OperaLive),
    Layer.provideMerge(connectionFor(mode)),
    Layer.provideMerge(SecurityConfig.Default),
    Layer.provide(configFor(mode))
  )

// OIPA: its database is the seeded SQLite sandbox, or Oracle through OIPA_DB_* (read-only user, TLS).
const oipaDatabaseFor = (mode: Mode) =>
  mode._tag === "Sandbox"
    ? OipaDatabase.Default.pipe(Layer.provide(OipaSandboxSql))
    : OipaDatabase.Default.pipe(Layer.provide(OipaOracleSql))

/**
 * Everything one MCP server process needs with the OIPA connector: the same pipeline and security services
 * as `AppLayer`, over Oracle Insurance Policy Administration's database instead of OPERA.
 */
export const OipaAppLayer = (mode: Mode, extensions: AppExtensions = {}) =>
  AssistantSurface.Default.pipe(
    Layer.provideMerge(ToolRegistry.Default),
    Layer.provideMerge(OipaConnector),
    Layer.provideMerge(SecurityLive(extensions)),
    Layer.provideMerge(oipaDatabaseFor(mode)),
    Layer.provideMerge(SecurityConfig.Default),
    Layer.provide(configFor(mode))
  )

/** The connectors a server can run: OPERA Cloud (the default) or OIPA. */
export const connectorNames = ["opera", "oipa"] as const
export type ConnectorName = typeof connectorNames[number]

export const LoggingLive = Layer.merge(StderrJsonLogger, Logger.minimumLogLevel(LogLevel.Info))
