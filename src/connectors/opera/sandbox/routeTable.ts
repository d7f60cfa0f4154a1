import { Either } from "effect"
import type { SandboxRoute } from "./route.js"
import { basePathOf, describeRoute } from "./route.js"
import { actRoutes } from "./routes/act.js"
import { blkRoutes } from "./routes/blk.js"
import { crmRoutes } from "./routes/crm.js"
import { crmExtrasRoutes } from "./routes/crmExtras.js"
import { cshRoutes } from "./routes/csh.js"
import { fofRoutes } from "./routes/fof.js"
import { hskRoutes } from "./routes/hsk.js"
import { invRoutes } from "./routes/inv.js"
import { oauthRoutes } from "./routes/oauth.js"
import { parRoutes } from "./routes/par.js"
import { rsvRoutes } from "./routes/rsv.js"
import { rsvExtrasRoutes } from "./routes/rsvExtras.js"
import { rtpRoutes } from "./routes/rtp.js"

/**
 * Every OHIP operation the sandbox serves. Adding a module is one routes
 * file (routes/<module>.ts exporting its SandboxRoute list) and one line here.
 */
export const routeTable: ReadonlyArray<SandboxRoute> = [
  ...oauthRoutes,
  ...rsvRoutes,
  ...rsvExtrasRoutes,
  ...crmRoutes,
  ...crmExtrasRoutes,
  ...cshRoutes,
  ...parRoutes,
  ...rtpRoutes,
  ...fofRoutes,
  ...hskRoutes,
  ...invRoutes,
  ...blkRoutes,
  ...actRoutes
]

/** The route map: route → OHIP operation (module file, operationId, method, spec path). */
export const routeMap = routeTable.map(describeRoute)

interface CompiledRoute {
  readonly route: SandboxRoute
  readonly pattern: RegExp
  readonly names: ReadonlyArray<string>
}

const compile = (route: SandboxRoute): CompiledRoute => {
  const names: Array<string> = []
  const source = (basePathOf(route.module) + route.template)
    .split("/")
    .map((segment) => {
      const name = /^\{([A-Za-z0-9_]+)\}$/.exec(segment)?.[1]
      if (name === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      names.push(name)
      return "([^/]+)"
    })
    .join("/")
  return { route, pattern: new RegExp(`^${source}/?$`), names }
}

const compiled = routeTable.map(compile)

export type RouteMatch =
  | { readonly _tag: "Matched"; readonly route: SandboxRoute; readonly params: Readonly<Record<string, string>> }
  | { readonly _tag: "MethodNotAllowed"; readonly allowed: ReadonlyArray<string> }
  | { readonly _tag: "NoRoute" }

const decodeSegment = (segment: string): string | undefined =>
  Either.getOrUndefined(Either.try(() => decodeURIComponent(segment)))

/** Finds the operation for a method and path; literal templates win over parameterised ones. */
export const matchRoute = (method: string, path: string): RouteMatch => {
  const hits = compiled.flatMap((entry) => {
    const groups = entry.pattern.exec(path)
    if (groups === null) return []
    const values = groups.slice(1).map(decodeSegment)
    if (values.some((value) => value === undefined)) return []
    const params = Object.fromEntries(entry.names.map((name, index) => [name, values[index] ?? ""]))
    return [{ entry, params }]
  })
  const sameMethod = hits
    .filter(({ entry }) => entry.route.method === method.toUpperCase())
    .sort((left, right) => left.entry.names.length - right.entry.names.length)[0]
  if (sameMethod !== undefined) return { _tag: "Matched", route: sameMethod.entry.route, params: sameMethod.params }
  if (hits.length > 0) return { _tag: "MethodNotAllowed", allowed: [...new Set(hits.map(({ entry }) => entry.route.method))] }
  return { _tag: "NoRoute" }
}
