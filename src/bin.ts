#!/usr/bin/env node
// The heap settings go in before the rest of the server is loaded: loading and building it is what would
// otherwise grow V8's young generation to its 32 MB maximum before the first call.
import { keepHeapSmall } from "./heapSettings.js"

keepHeapSmall(process.execArgv)
await import("./main.js")
