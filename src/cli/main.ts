import { Command } from "@effect/cli"
import { serverInfo } from "../mcp/serverInfo.js"
import { auditCommand } from "./auditCommands.js"
import { clientsCommand } from "./clientsCommand.js"
import { configCommand } from "./configCommands.js"
import { credentialsCommand } from "./credentialsCommand.js"
import { keysCommand } from "./keysCommands.js"
import { sandboxCommand } from "./sandboxCommand.js"
import { serveCommand } from "./serveCommand.js"
import { lockoutsCommand } from "./stateCommands.js"

export const rootCommand = Command.make("opera-cloud-mcp").pipe(
  Command.withDescription("MCP server for Oracle OPERA Cloud behind an auditable security layer"),
  Command.withSubcommands([serveCommand, sandboxCommand, auditCommand, keysCommand, configCommand, credentialsCommand, clientsCommand, lockoutsCommand])
)

export const cli = Command.run(rootCommand, { name: "opera-cloud-mcp", version: serverInfo.version })
