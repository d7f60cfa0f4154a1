/** `npm run readme`: regenerates the README's tool list and configuration table from the code. */
import { readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { renderReadme } from "./readmeSections.js"

const readmePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md")
const before = readFileSync(readmePath, "utf8")
const after = renderReadme(before)
writeFileSync(readmePath, after)
process.stdout.write(before === after ? "README.md is up to date\n" : "README.md updated\n")
