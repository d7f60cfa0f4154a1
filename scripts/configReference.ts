import type { SettingDoc } from "../src/config/settingsCatalogue.js"
import { documentedSettings } from "../src/config/settingsCatalogue.js"

// The catalogue lives in src (each command's --help lists its settings from it); the README table is made here.
export type { SettingDoc } from "../src/config/settingsCatalogue.js"
export { documentedSettings, standardVariables } from "../src/config/settingsCatalogue.js"

export const configReference = (): ReadonlyArray<SettingDoc> => documentedSettings
