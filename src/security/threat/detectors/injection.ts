import type { ThreatDetector } from "../ThreatDetector.js"

/**
 * Injection-shaped arguments: strings that look like SQL, script, template,
 * shell or path-traversal payloads, or like instructions aimed at the
 * assistant. Names such as O'Brien or "Smith-Jones" stay clean: every pattern
 * needs the syntax around the quote or dash, not the character alone.
 */
const shapes: ReadonlyArray<{ readonly kind: string; readonly pattern: RegExp }> = [
  {
    kind: "SQL injection",
    pattern: /(['"`]\s*(or|and)\s+['"\w]+\s*(=|like)|\bunion\s+(all\s+)?select\b|;\s*(drop|delete|insert|update|alter|truncate)\s|'\s*;?\s*--|\/\*.*\*\/|\b(sleep|benchmark|pg_sleep)\s*\(|\bxp_cmdshell\b)/i
  },
  { kind: "script injection", pattern: /(<\s*\/?\s*(script|iframe|svg|img)\b|javascript\s*:|\bon(error|load|click)\s*=)/i },
  { kind: "path traversal", pattern: /(\.\.[/\\]|%2e%2e(%2f|%5c|\/)|\/etc\/passwd)/i },
  { kind: "template injection", pattern: /(\$\{[^}]*\}|\{\{[^}]*\}\}|<%[^%]*%>|#\{[^}]*\})/ },
  { kind: "shell injection", pattern: /(\$\([^)]*\)|;\s*(rm|curl|wget|cat|sh|bash|nc)\b|\|\s*(sh|bash|nc)\b|&&\s*(rm|curl|wget)\b)/i },
  { kind: "query operator injection", pattern: /(\$(where|ne|gt|regex|expr)\b|\*\)\(|\)\(\|)/i },
  {
    kind: "prompt injection",
    pattern: /(ignore\s+(all\s+|any\s+)?(previous|prior|above)\s+instructions|disregard\s+(the\s+|your\s+|all\s+)?(system|previous|prior)|reveal\s+(the\s+|your\s+)?(system\s+prompt|secret|api\s+key)|you\s+are\s+now\s+in\s+developer\s+mode)/i
  },
  { kind: "control characters", pattern: /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/ }
]

const maxDepth = 6
const maxStrings = 200

// Field paths come from decoded arguments (known names), yet are still reduced to a safe alphabet.
const safePath = (path: ReadonlyArray<string | number>) =>
  (path.length === 0 ? "(arguments)" : path.join(".")).replace(/[^A-Za-z0-9_.]/g, "?").slice(0, 60)

const stringsOf = (value: unknown): ReadonlyArray<{ readonly path: string; readonly text: string }> => {
  const out: Array<{ path: string; text: string }> = []
  const walk = (node: unknown, path: ReadonlyArray<string | number>) => {
    if (out.length >= maxStrings || path.length > maxDepth) return
    if (typeof node === "string") out.push({ path: safePath(path), text: node })
    else if (Array.isArray(node)) node.forEach((item, index) => walk(item, [...path, index]))
    else if (typeof node === "object" && node !== null) {
      for (const [key, item] of Object.entries(node)) walk(item, [...path, key])
    }
  }
  walk(value, [])
  return out
}

/** First shape 0.7 (medium at the default sensitivity), each further kind +0.3. */
export const injectionArguments: ThreatDetector = {
  name: "injection_arguments",
  detect: (_profile, call) => {
    const hits = new Map<string, string>()
    for (const { path, text } of stringsOf(call.args)) {
      for (const shape of shapes) {
        if (!hits.has(shape.kind) && shape.pattern.test(text)) hits.set(shape.kind, path)
      }
    }
    if (hits.size === 0) return []
    const described = Array.from(hits, ([kind, path]) => `${kind} in field ${path}`).join("; ")
    return [{
      name: "injection_shaped_arguments",
      score: 0.7 + 0.3 * (hits.size - 1),
      reason: `arguments shaped like ${described}`
    }]
  }
}
