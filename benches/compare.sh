#!/usr/bin/env bash
# Native (criterion) vs wasm (Node) on the same WORKLOADS.md workloads, as issue 2 asks:
# "the same benchmarks in wasm (Node) <= 2x native".
#
#   benches/compare.sh [WORKLOAD,...]      e.g. benches/compare.sh W1,W3   (default: all)
#
# Env: PASSES (wasm timed passes after the warm-up, >= 5; default 5), WARM_UP / MEASURE (criterion
# seconds; default 1 / 3), NATIVE_RUNNER=1 also runs the wasm runner natively (the same loop,
# timed the same way: separates "wasm is slower" from "criterion measures differently").
#
# It reports; it does not gate (benchmarks on a shared 2-core machine are not tests): the exit
# status is 0 whenever every run completed with its deliveries/checksum guard intact. The load
# (uptime) is printed before and after, since it moves every figure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

FILTER=${1:-}
PASSES=${PASSES:-5}
WARM_UP=${WARM_UP:-1}
MEASURE=${MEASURE:-3}
OUT=target/wasm-bench
mkdir -p "$OUT"

# Workloads this checkout can run: W4 joins when the dispatch bench and its kernel exist.
ALL="W1 W2-1000 W2-10000 W2-100000 W3"
BENCHES=(routing)
if [ -f benches/dispatch.rs ] && grep -q '"W4"' examples/wasm_bench.rs; then
  ALL="$ALL W4"
  BENCHES+=(dispatch)
fi
if [ -n "$FILTER" ]; then
  WANT=$(tr ',' ' ' <<<"$FILTER")
else
  WANT=$ALL
fi
for w in $WANT; do
  grep -qw -- "$w" <<<"$ALL" || { echo "unknown workload $w (have: $ALL)" >&2; exit 2; }
done
WANT_CSV=$(tr ' ' ',' <<<"$WANT" | sed 's/,*$//')
REGEX="^($(tr ' ' '|' <<<"$WANT" | sed 's/|*$//'))\$"

echo "load before: $(uptime)"

# ---- native: criterion, the benches named in issue 2
for b in "${BENCHES[@]}"; do
  if [ "$b" = dispatch ] && ! grep -qw W4 <<<"$WANT"; then continue; fi
  if [ "$b" = routing ] && [ -z "$(grep -ow -E 'W1|W2-[0-9]+|W3' <<<"$WANT" || true)" ]; then continue; fi
  echo "==> cargo bench --bench $b (warm-up ${WARM_UP}s, measurement ${MEASURE}s)"
  cargo bench --locked --bench "$b" -- --warm-up-time "$WARM_UP" --measurement-time "$MEASURE" \
    "[^/]+/$(sed 's/^\^//' <<<"$REGEX")" 2>&1 | grep -E '^[a-z]+/W|time:|Warning' || true
done

# ---- wasm: the runner built with the bench profile's settings, run in Node
echo "==> wasm runner (cargo build --profile wasm-bench --target wasm32-unknown-unknown)"
cargo build --locked --profile wasm-bench --target wasm32-unknown-unknown --features wasm-bench \
  --example wasm_bench
WB_WANT=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
WB_HAVE=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
if [ "$WB_HAVE" != "$WB_WANT" ]; then
  echo "wasm-bindgen-cli $WB_WANT needed (found '${WB_HAVE:-none}'): cargo install wasm-bindgen-cli --version $WB_WANT --debug" >&2
  exit 2
fi
wasm-bindgen --target nodejs --out-dir "$OUT" \
  target/wasm32-unknown-unknown/wasm-bench/examples/wasm_bench.wasm
echo "==> node $(node --version): $WANT_CSV, warm-up + $PASSES timed passes each"
node -e 'require(process.argv[1]).run(process.argv[2], Number(process.argv[3]))' \
  "$PWD/$OUT/wasm_bench.js" "$WANT_CSV" "$PASSES" | tee "$OUT/wasm.tsv"

: >"$OUT/native-runner.tsv"
if [ "${NATIVE_RUNNER:-0}" = 1 ]; then
  echo "==> the same runner, native"
  cargo run --locked --quiet --profile wasm-bench --features wasm-bench --example wasm_bench -- \
    "$WANT_CSV" "$PASSES" | tee "$OUT/native-runner.tsv"
fi

echo "load after:  $(uptime)"

# ---- the table
python3 - "$OUT/wasm.tsv" "$OUT/native-runner.tsv" $WANT <<'PY'
import json, os, sys

wasm_file, runner_file, *want = sys.argv[1:]
# Issue 2's native targets (ns/msg, medians); W2-100000's is relative to W2-1000.
native_target = {"W1": 50, "W2-10000": 9000, "W3": 105, "W4": 210}

def tsv(path):
    out = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) == 5 and f[0] == "bench":
            out[f[1]] = (float(f[2]), float(f[3]))
    return out

def criterion(name):
    for group in ("routing", "dispatch"):
        d = f"target/criterion/{group}/{name}/new"
        if os.path.exists(f"{d}/estimates.json"):
            msgs = json.load(open(f"{d}/benchmark.json"))["throughput"]["Elements"]
            median = json.load(open(f"{d}/estimates.json"))["median"]["point_estimate"]
            s = json.load(open(f"{d}/sample.json"))
            fastest = min(t / i for t, i in zip(s["times"], s["iters"]))
            return median / msgs, fastest / msgs
    return None

wasm, runner = tsv(wasm_file), tsv(runner_file)
native = {w: criterion(w) for w in want}
rows = []
hdr = ["workload", "native med", "native min", "wasm med", "wasm min", "ratio med", "ratio min",
       "target", "result", "native target"]
if runner:
    hdr.insert(5, "runner-native med")
for w in want:
    n, m = native.get(w), wasm.get(w)
    if n is None or m is None:
        rows.append([w, "?", "?", "?", "?", "?", "?", "<= 2.00x", "MISSING", ""])
        continue
    ratio, ratio_min = m[0] / n[0], m[1] / n[1]
    if w == "W2-100000" and native.get("W2-1000"):
        t = 15 * native["W2-1000"][0]
        nt = f"<= 15x W2-1000 ({t:,.0f}): {'pass' if n[0] <= t else 'FAIL'}"
    elif w in native_target:
        t = native_target[w]
        nt = f"<= {t:,}: {'pass' if n[0] <= t else 'FAIL'}"
    else:
        nt = "-"
    row = [w, f"{n[0]:,.1f}", f"{n[1]:,.1f}", f"{m[0]:,.1f}", f"{m[1]:,.1f}",
           f"{ratio:.2f}x", f"{ratio_min:.2f}x", "<= 2.00x",
           "pass" if ratio <= 2.0 else "FAIL", nt]
    if runner:
        row.insert(5, f"{runner[w][0]:,.1f}" if w in runner else "-")
    rows.append(row)
print()
print("ns/msg; native = criterion (median estimate, fastest sample), wasm = Node runner (median, min)")
print("| " + " | ".join(hdr) + " |")
print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(hdr))) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY
