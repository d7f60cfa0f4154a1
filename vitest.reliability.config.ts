import { defineConfig } from "vitest/config"

// `npm run test:reliability`: long runs kept out of `npm test` (their files end in .reliability.ts).
// RELIABILITY_SCALE=0.1 is the CI smoke run; 50 reaches the 100,000 fuzz cases.
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.reliability.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One suite at a time: each spawns servers and the machine may have 2 cores.
    fileParallelism: false
  }
})
