import manifest from "../../package.json" with { type: "json" }

export const serverInfo = { name: "opera-cloud-mcp", version: manifest.version } as const
