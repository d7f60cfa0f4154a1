import { NodeFileSystem, NodeHttpClient } from "@effect/platform-node"
import { ConfigProvider, Effect, Layer, TestServices } from "effect"
import type { OperaConnectionShape } from "../../../../src/connectors/opera/client/OperaConnection.js"
import { OperaConnection } from "../../../../src/connectors/opera/client/OperaConnection.js"
import { SecurityConfig } from "../../../../src/config/SecurityConfig.js"
import { OperaClient } from "../../../../src/connectors/opera/client/OperaClient.js"
import { OperaTransport } from "../../../../src/connectors/opera/client/OperaTransport.js"
import { TokenStoreLive } from "../../../../src/connectors/opera/client/TokenFileStore.js"
import { TokenCache } from "../../../../src/connectors/opera/client/TokenCache.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import type { SandboxOptions } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { AuditLog } from "../../../../src/security/AuditLog.js"
import { UpstreamThrottle } from "../../../../src/connectors/opera/client/UpstreamThrottle.js"

/** Real time passes for the network while the TestClock stands still. */
export const breathe = (ms = 5) => TestServices.provideLive(Effect.sleep(ms))

/** Polls `check` in real time until it holds (or fails after ~5 s). */
export const eventually = <A, E, R>(check: Effect.Effect<A, E, R>, holds: (value: A) => boolean) =>
  Effect.gen(function*() {
    for (let attempt = 0; attempt < 500; attempt++) {
      const value = yield* check
      if (holds(value)) return value
      yield* breathe(10)
    }
    return yield* Effect.dieMessage("condition never held")
  })

/**
 * TokenCache and OperaClient against a sandbox on a loopback port, with
 * settings from a map (the test's ConfigProvider), built fresh per test.
 */
export const operaLayers = (
  settings: Record<string, string> = {},
  sandboxOptions: SandboxOptions = {},
  connectionOverride: Partial<OperaConnectionShape> = {}
) => {
  const config = Layer.setConfigProvider(
    ConfigProvider.fromMap(new Map(Object.entries({ OPERA_SECURITY_AUDIT_DB_PATH: ":memory:", ...settings })))
  )
  const sandbox = Sandbox.layer(sandboxOptions)
  const connection = Layer.effect(
    OperaConnection,
    Sandbox.pipe(Effect.map((running) => ({ ...running.connection, ...connectionOverride })))
  )
  const base = Layer.mergeAll(SecurityConfig.Default, connection, NodeHttpClient.layerUndici, NodeFileSystem.layer)
    .pipe(Layer.provideMerge(sandbox))
  const tokens = TokenCache.Default.pipe(
    Layer.provide(TokenStoreLive),
    Layer.provideMerge(AuditLog.Default),
    Layer.provideMerge(base)
  )
  return OperaClient.Default.pipe(
    Layer.provide(OperaTransport.Default),
    Layer.provideMerge(UpstreamThrottle.Default),
    Layer.provideMerge(tokens),
    Layer.provide(config)
  )
}
