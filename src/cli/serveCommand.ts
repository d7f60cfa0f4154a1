import { Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { OperaConnection } from "../connectors/opera/client/OperaConnection.js"
import { TelemetryLive } from "../config/Telemetry.js"
import { enforceProductionChecklist } from "./productionChecklist.js"
import type { HttpListenOptions } from "../mcp/http/HttpTransport.js"
import { serveStdio } from "../mcp/stdio.js"
import { AppLayer, connectorNames, OipaAppLayer } from "../Runtime.js"
import type { ConnectorName, Mode } from "../Runtime.js"
import { AccessPolicy } from "../security/AccessPolicy.js"
import { AuditUnavailable } from "../security/audit/errors.js"
import { AuditLog } from "../security/AuditLog.js"
import { withEnvironment } from "./environmentHelp.js"
import { reportStartupErrors } from "./startupErrors.js"

const sandbox = Options.boolean("sandbox").pipe(
  Options.withDescription("Serve against the connector's embedded sandbox (OPERA: an OHIP-shaped API with a seeded " +
    "property; OIPA: a seeded SQLite policy database) instead of the real system")
)

const connector = Options.choice("connector", connectorNames).pipe(
  Options.withDefault("opera" as ConnectorName),
  Options.withDescription("The system behind the server: opera (OPERA Cloud, the default) or oipa (Oracle Insurance " +
    "Policy Administration, read-only, over OIPA_DB_*)")
)

const http = Options.boolean("http").pipe(
  Options.withDescription("Serve MCP over Streamable HTTP at /mcp (API keys from `clients add`) instead of stdio")
)
const host = Options.text("host").pipe(
  Options.withDefault("127.0.0.1"),
  Options.withDescription("With --http: the address to bind (non-loopback needs TLS unless OPERA_SECURITY_REQUIRE_HTTPS=false)")
)
const port = Options.integer("port").pipe(
  Options.withDefault(8080),
  Options.withDescription("With --http: the TCP port")
)

// The HTTP transport (and its JWT and HTTP server libraries) is loaded only by `serve --http`: stdio start-up skips it.
const serveHttp = (listen: HttpListenOptions) =>
  Effect.promise(() => Promise.all([import("../mcp/http/HttpTransport.js"), import("../mcp/http/HttpTransportLive.js")])).pipe(
    Effect.flatMap(([transport, live]) => transport.serveHttp(listen).pipe(Effect.provide(live.HttpTransportLive)))
  )

/** Refuses to start on an OPERA URL that would carry credentials in clear text. */
const checkConnection = Effect.gen(function*() {
  const access = yield* AccessPolicy
  const connection = yield* OperaConnection
  yield* access.checkOperaBaseUrl(connection.baseUrl)
})

/**
 * Against a real property the audit store must open at start-up: a server that could only refuse
 * every change (and, in strict mode, every read) is not started. The sandbox serves degraded.
 */
const checkAuditStore = Effect.gen(function*() {
  const audit = yield* AuditLog
  const failure = yield* audit.openFailure
  if (Option.isNone(failure)) return
  return yield* new AuditUnavailable({
    reason: failure.value.reason,
    message: `serve refuses to start: ${failure.value.message}`
  })
})

// The server over the chosen connector: OPERA first refuses a base URL that would carry credentials in clear.
const serveOver = <E, R>(connector: ConnectorName, mode: Mode, start: Effect.Effect<void, E, R>) =>
  Effect.if(connector === "oipa", {
    onTrue: () => start.pipe(Effect.provide(OipaAppLayer(mode))),
    onFalse: () => checkConnection.pipe(Effect.zipRight(start), Effect.provide(AppLayer(mode)))
  })

export const serveCommand = Command.make(
  "serve",
  { sandbox, connector, http, host, port },
  ({ sandbox, connector, http, host, port }) =>
    // With NODE_ENV=production the production checklist must pass before anything starts.
    (sandbox ? Effect.void : enforceProductionChecklist(connector)).pipe(
      Effect.zipRight(
        serveOver(
          connector,
          sandbox ? { _tag: "Sandbox" } : { _tag: "Property" },
          (sandbox ? Effect.void : checkAuditStore).pipe(Effect.zipRight(http ? serveHttp({ host, port }) : serveStdio))
        ).pipe(
          // Outside the application layers, so every service and tool call runs under its tracer.
          Effect.provide(TelemetryLive)
        )
      ),
      reportStartupErrors
    )
).pipe(Command.withDescription(withEnvironment(
  "serve",
  "Run the MCP server on stdio (the main job), or on Streamable HTTP with --http; --connector oipa serves OIPA"
)))
