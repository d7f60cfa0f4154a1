import type { OperaRequest } from "../../../src/connectors/opera/client/OperaRequest.js"
import type { ToolInfo } from "../../../src/tools/ToolInfo.js"
import type { OhipSpecs } from "../ohip/specs.js"

/**
 * The route map against the specs: every sandbox route, every operation a
 * tool declares, and every request a tool's client call built must name an
 * OHIP operation that exists, with the same method and path template.
 */
export interface RouteProblem {
  readonly module: string
  readonly operationId: string
  readonly message: string
}

export interface NamedOperation {
  readonly module: string
  readonly operationId: string
  readonly method: string
  readonly template: string
}

/** Problems of one (module, operationId, method, template) against its spec. */
export const operationProblems = (specs: OhipSpecs, named: NamedOperation, what: string): ReadonlyArray<RouteProblem> => {
  const problem = (message: string) => ({ module: named.module, operationId: named.operationId, message })
  const found = specs.findOperation(named.module, named.operationId)
  if (found === undefined) return [problem(`${what}: ${named.module}.json has no operation ${named.operationId}`)]
  return [
    ...(found.method === named.method ? [] : [problem(`${what}: method ${named.method}, spec says ${found.method}`)]),
    ...(found.path === named.template ? [] : [problem(`${what}: template ${named.template}, spec says ${found.path}`)])
  ]
}

/** Sandbox routes: the route map of the issue. */
export const routeMapProblems = (specs: OhipSpecs, routes: ReadonlyArray<NamedOperation>) =>
  routes.flatMap((route) => operationProblems(specs, route, `sandbox route ${route.method} /${route.module}/v1${route.template}`))

/** Operations tools declare as "module.operationId". */
export const declaredOperationProblems = (specs: OhipSpecs, tools: ReadonlyArray<ToolInfo>): ReadonlyArray<RouteProblem> =>
  tools.flatMap((tool) =>
    (tool.operations ?? []).flatMap((declared) => {
      const [module = "", operationId = ""] = declared.split(".")
      return specs.findOperation(module, operationId) === undefined
        ? [{ module, operationId, message: `tool ${tool.name} declares ${declared}, which is not an OHIP operation` }]
        : []
    })
  )

/** Requests tools' client calls built. */
export const clientRequestProblems = (specs: OhipSpecs, requests: ReadonlyArray<OperaRequest>) =>
  requests.flatMap((request) => operationProblems(specs, request, `client request ${request.operationId}`))
