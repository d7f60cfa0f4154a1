import type { Tool } from "../Tool.js"
import type { ToolServices } from "../ToolServices.js"
import { describeTools } from "./describeTools.js"
import { getSecurityReport } from "./getSecurityReport.js"
import { securityHealthCheck } from "./securityHealthCheck.js"

/** The server's own tools, served beside every connector's: its health, its security report, the tool index. */
export const pipelineTools: ReadonlyArray<Tool<ToolServices>> = [securityHealthCheck, getSecurityReport, describeTools]
