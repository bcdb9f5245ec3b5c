#!/usr/bin/env bash
# ClusterFuzzLite build for any Cargo project that uses parity: for every spec, `parity fuzz
# --build-only --out $OUT` generates the fuzz target for the project's `registry()`, builds it and
# lays out one target per function in $OUT (a copy of the target, its `.parity` settings, the spec,
# the Go harness built now, a seed corpus zip). Nothing here names parity's own files: a team
# copies .clusterfuzzlite/ as it is (see docs/fuzzing.md).
#
# Runs locally too, from the project's root: `.clusterfuzzlite/build.sh`; $OUT defaults to
# target/parity/clusterfuzzlite-out. Environment (all optional):
#   OUT            output folder (ClusterFuzzLite sets it)
#   SANITIZER      `address` adds -Zsanitizer=address (nightly, as in the ClusterFuzzLite image);
#                  anything else builds with coverage instrumentation only, on stable too
#   PARITY_SPECS   specs to build targets for (default: parity.toml)
#   PARITY_CRATE   the crate whose library has `pub fn registry()` (parity fuzz --crate)
#   PARITY         the parity command (default: cargo run --quiet --release --)
set -euo pipefail

# The project's root: the current folder in the ClusterFuzzLite image (its WORKDIR), else the
# folder above this script.
if [ -f "$PWD/Cargo.toml" ]; then root=$PWD; else root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd); fi
cd "$root"
OUT=${OUT:-$PWD/target/parity/clusterfuzzlite-out}
read -r -a parity <<< "${PARITY:-cargo run --quiet --release --}"
args=(--build-only --out "$OUT")
if [ "${SANITIZER:-none}" = address ]; then args+=(--sanitizer address); fi
if [ -n "${PARITY_CRATE:-}" ]; then args+=(--crate "$PARITY_CRATE"); fi
for spec in ${PARITY_SPECS:-parity.toml}; do
  "${parity[@]}" fuzz "$spec" "${args[@]}"
done
