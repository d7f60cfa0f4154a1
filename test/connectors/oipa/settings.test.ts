import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option } from "effect"
import { oipaDatabaseSettings, oipaSettingDocs, transportOf } from "../../../src/connectors/oipa/database/settings.js"

/** A ConfigProvider that notes every name asked for. */
const recording = (inner: ConfigProvider.ConfigProvider, seen: Set<string>) =>
  ConfigProvider.fromFlat(ConfigProvider.makeFlat({
    load: (path, primitive, split) => {
      seen.add(path.join("_"))
      return inner.flattened.load(path, primitive, split)
    },
    enumerateChildren: (path) => inner.flattened.enumerateChildren(path),
    patch: inner.flattened.patch
  }))

describe("OIPA database settings", () => {
  it.effect("the documented settings are exactly the ones the Oracle layer reads", () =>
    Effect.gen(function*() {
      const seen = new Set<string>()
      const provider = recording(
        ConfigProvider.fromMap(new Map([
          ["OIPA_DB_CONNECT_STRING", "tcps://db.example.com:2484/OIPA"],
          ["OIPA_DB_USER", "reader"],
          ["OIPA_DB_PASSWORD", "pw"]
        ])),
        seen
      )
      const settings = yield* oipaDatabaseSettings.pipe(Effect.withConfigProvider(provider))
      expect(settings.callTimeoutMs).toBe(10_000)
      expect(settings.requireTls).toBe(true)
      expect(String(settings.password)).not.toContain("pw")
      expect([...seen].sort()).toEqual(oipaSettingDocs.map((doc) => doc.name).sort())
    }))

  it.effect("a schema name that is not a plain identifier is refused (it cannot be a bind variable)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(oipaDatabaseSettings.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
        ["OIPA_DB_CONNECT_STRING", "tcps://db.example.com:2484/OIPA"],
        ["OIPA_DB_USER", "reader"],
        ["OIPA_DB_PASSWORD", "pw"],
        ["OIPA_DB_SCHEMA", "OIPA; DROP USER X"]
      ])))))
      expect(String(error)).toContain("plain Oracle identifier")
    }))

  it("TLS: tcps and TCPS descriptors pass, wallet aliases pass, plain TCP only to loopback", () => {
    expect(transportOf("tcps://db.example.com:2484/OIPA", Option.none())).toBe("tcps")
    expect(transportOf("(DESCRIPTION=(ADDRESS=(PROTOCOL=TCPS)(HOST=db)(PORT=2484))(CONNECT_DATA=(SERVICE_NAME=OIPA)))", Option.none()))
      .toBe("tcps")
    expect(transportOf("oipa_high", Option.some("/etc/oipa-wallet"))).toBe("alias")
    expect(transportOf("oipa_high", Option.none())).toBe("plain")
    expect(transportOf("127.0.0.1:1521/OIPA", Option.none())).toBe("loopback")
    expect(transportOf("localhost/OIPA", Option.none())).toBe("loopback")
    expect(transportOf("db.example.com:1521/OIPA", Option.none())).toBe("plain")
    expect(transportOf("127.0.0.1.evil.example:1521/OIPA", Option.none())).toBe("plain")
  })
})
