/**
 * A size-capped filesystem for the audit db: a tmpfs mounted on a temp
 * directory (needs root or CAP_SYS_ADMIN). It can be filled to the last byte
 * and remounted read-only, which is how "disk full" and "read-only" are made
 * real for SQLite: chmod does not stop root, a read-only mount does.
 */
import { execFileSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"

export interface SmallDisk {
  readonly dir: string
  /** Writes a filler file until the filesystem answers ENOSPC; returns the bytes written. */
  readonly fill: () => number
  /** Removes the filler. */
  readonly free: () => void
  readonly remount: (mode: "ro" | "rw") => void
  readonly unmount: () => void
}

/** Mounts a tmpfs of `sizeKb`, or says why it cannot (not root, no CAP_SYS_ADMIN, no mount binary). */
export const mountSmallDisk = (sizeKb: number): { readonly disk: SmallDisk } | { readonly skip: string } => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-small-disk-"))
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k,mode=0700`, "tmpfs", dir], { stdio: "pipe" })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    const why = error instanceof Error ? error.message.split("\n")[0] : "unknown"
    return { skip: `cannot mount a size-capped tmpfs here (uid ${process.getuid?.() ?? "?"}): ${why}` }
  }
  const filler = path.join(dir, "filler")
  const chunk = Buffer.alloc(4096, 0x5a)
  return {
    disk: {
      dir,
      fill: () => {
        const fd = openSync(filler, "a")
        let written = 0
        try {
          for (;;) written += writeSync(fd, chunk)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error
        } finally {
          closeSync(fd)
        }
        return written
      },
      free: () => rmSync(filler, { force: true }),
      remount: (mode) => {
        execFileSync("mount", ["-o", `remount,${mode}`, dir], { stdio: "pipe" })
      },
      unmount: () => {
        execFileSync("umount", ["-l", dir], { stdio: "pipe" })
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
