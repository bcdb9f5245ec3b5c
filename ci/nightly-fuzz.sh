#!/usr/bin/env bash
# One shard of the nightly fuzz job: fuzz one spec (optionally one function) for a time budget,
# in any Cargo project that uses parity (it only calls `parity fuzz`, which generates the fuzz
# target for the project's `registry()`),
# keep libFuzzer's corpus between nights, and leave the report and the minimized corpus entries in
# an output folder for upload. The workflow (.github/workflows/nightly-fuzz.yml) only calls this.
#
# Usage: ci/nightly-fuzz.sh SPEC [FUNCTION]
# Environment (all optional):
#   FUZZ_TIME     time budget per function (default 10m)
#   FUZZ_JOBS     libFuzzer processes (default 1)
#   FUZZ_CORPUS   libFuzzer's corpus folder, restored and saved by the workflow (default fuzz-corpus)
#   FUZZ_CRATE    the crate whose library has `pub fn registry()` (parity fuzz --crate; default:
#                 the package of the current folder, see docs/fuzzing.md)
#   FUZZ_OUT      output folder: report.json, report.txt, new corpus entries, logs (default fuzz-out)
#   FUZZ_SEED     libFuzzer seed (default: the date, so a night can be re-run)
#   PARITY        the parity command (default: cargo run --quiet --release --)
#
# Exit status: 0 when no new divergence was found, 1 when one was (its corpus entry is in
# $FUZZ_OUT/corpus), anything else when the run itself failed. A divergence replayed from the
# committed corpus is known, not new: it is reported but does not fail the night.
set -euo pipefail

spec=${1:?usage: ci/nightly-fuzz.sh SPEC [FUNCTION]}
function=${2:-}
time=${FUZZ_TIME:-10m}
jobs=${FUZZ_JOBS:-1}
fuzz_corpus=${FUZZ_CORPUS:-fuzz-corpus}
out=${FUZZ_OUT:-fuzz-out}
seed=${FUZZ_SEED:-$(date -u +%Y%m%d)}
read -r -a parity <<< "${PARITY:-cargo run --quiet --release --}"

mkdir -p "$out" "$fuzz_corpus"
# New entries go to a copy of the committed corpus, so the upload holds exactly what is new.
rm -rf "$out/corpus"
# The committed corpus is parity's default: `corpus/` beside the spec file.
committed="$(dirname "$spec")/corpus"
if [ -d "$committed" ]; then cp -R "$committed" "$out/corpus"; else mkdir -p "$out/corpus"; fi
find "$out/corpus" -type f | sort > "$out/.before"

args=(fuzz "$spec" --time "$time" --jobs "$jobs" --seed "$seed" --format json
      --corpus "$out/corpus" --fuzz-corpus "$fuzz_corpus" --work "$out/work")
if [ -n "$function" ]; then args+=(--function "$function"); fi
if [ -n "${FUZZ_CRATE:-}" ]; then args+=(--crate "$FUZZ_CRATE"); fi

status=0
"${parity[@]}" "${args[@]}" > "$out/report.json" || status=$?
find "$out/corpus" -type f | sort > "$out/.after"
comm -13 "$out/.before" "$out/.after" > "$out/new-corpus-entries.txt"
rm -f "$out/.before" "$out/.after"

case $status in
  0) echo "nightly-fuzz: $spec${function:+ $function}: no divergence" ;;
  1)
    if grep -Eq '"origin": ?"generated"' "$out/report.json"; then
      echo "nightly-fuzz: $spec${function:+ $function}: NEW divergence; minimized inputs:" >&2
      cat "$out/new-corpus-entries.txt" >&2
      exit 1
    fi
    echo "nightly-fuzz: $spec${function:+ $function}: only known divergences (replayed from corpus/)"
    ;;
  *)
    echo "nightly-fuzz: parity fuzz failed with exit status $status" >&2
    exit "$status"
    ;;
esac
