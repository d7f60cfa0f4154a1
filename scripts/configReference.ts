export const configReference = (): ReadonlyArray<{ readonly name: string; readonly defaultValue?: string; readonly meaning: string }> => []
