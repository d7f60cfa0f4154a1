import { HelpDoc } from "@effect/cli"
import type { CommandName } from "../config/settingsCatalogue.js"
import { settingsReadBy } from "../config/settingsCatalogue.js"

const lineWidth = 96

// Names joined with ", " into lines of about lineWidth characters (help is read in a terminal).
const wrapped = (names: ReadonlyArray<string>): ReadonlyArray<string> =>
  names.reduce<Array<string>>((lines, name) => {
    const last = lines.at(-1)
    if (last !== undefined && last.length + name.length + 2 <= lineWidth) lines[lines.length - 1] = `${last}, ${name}`
    else lines.push(name)
    return lines
  }, [])

/**
 * A command's description followed by the "Environment:" list of the settings it reads (from the settings
 * catalogue), so `--help` tells an operator what to set before running it.
 */
export const withEnvironment = (command: CommandName, description: string): HelpDoc.HelpDoc => {
  const names = settingsReadBy(command)
  return HelpDoc.blocks([
    HelpDoc.p(description),
    HelpDoc.p(
      ["Environment:", ...(names.length === 0 ? ["none: this command reads no settings"] : wrapped(names))].join("\n  ")
    )
  ])
}
