#!/usr/bin/env bash
# Runs the official MCP conformance suite (server scenarios) against `serve --http --sandbox`.
#
# The suite cannot send an Authorization header, so a small loopback proxy adds the API key
# of a client issued for this run and forwards everything else unchanged, Host and Origin
# included (the dns-rebinding scenario sends a foreign Host through it). Nothing leaves 127.0.0.1.
#
# Usage: npm run build && scripts/conformance.sh [scenario ...]
# Default scenarios: server-initialize ping tools-list dns-rebinding-protection
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="$repo/dist/opera-cloud-mcp.mjs"
[ -f "$bin" ] || { echo "missing $bin: run npm run build first" >&2; exit 2; }
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(server-initialize ping tools-list dns-rebinding-protection)

work="$(mktemp -d)"
server_pid=""
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
server_port="$(free_port)"
proxy_port="$(free_port)"
export OPERA_MCP_CLIENTS_FILE="$work/clients.json"
export OPERA_MCP_ALLOWED_HOSTS="127.0.0.1:$proxy_port,localhost:$proxy_port,127.0.0.1:$server_port,localhost:$server_port"
export OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS=100000

key="$(node "$bin" clients add conformance --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).apiKey))')"

node "$bin" serve --http --sandbox --port "$server_port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "is serving MCP on" "$work/server.log" 2>/dev/null && break
  sleep 0.2
done
grep -q "is serving MCP on" "$work/server.log" || { echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

cat >"$work/proxy.mjs" <<'JS'
import http from "node:http"
const [target, listen, key] = [Number(process.argv[2]), Number(process.argv[3]), process.env.CONFORMANCE_KEY]
http.createServer((req, res) => {
  const upstream = http.request({ host: "127.0.0.1", port: target, method: req.method, path: req.url,
    headers: { ...req.headers, authorization: `Bearer ${key}` } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  upstream.on("error", () => { res.writeHead(502); res.end() })
  req.pipe(upstream)
}).listen(listen, "127.0.0.1")
JS
CONFORMANCE_KEY="$key" node "$work/proxy.mjs" "$server_port" "$proxy_port" &
proxy_pid=$!
sleep 0.5

failed=0
for scenario in "${scenarios[@]}"; do
  if npx -y -p node@22 -p @modelcontextprotocol/conformance@0.1.16 conformance server \
      --url "http://127.0.0.1:$proxy_port/mcp" --scenario "$scenario" >"$work/$scenario.out" 2>&1; then
    echo "PASS $scenario"
  else
    echo "FAIL $scenario"
    failed=1
  fi
  grep -E "SUCCESS|FAILURE|WARNING|passed|failed" "$work/$scenario.out" | sed 's/^/    /' | head -20
done
exit "$failed"
