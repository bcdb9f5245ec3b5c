#!/usr/bin/env bash
# ClusterFuzzLite build: one libFuzzer target per (spec, function), all copies of parity's
# generic differential target (fuzz/), each with a settings file `<target>.parity` naming its spec,
# function and Go harness (the target reads it when PARITY_FUZZ_SPEC is not set), the specs and the
# Go harness binaries beside them in $OUT, and a seed corpus zip when fuzz/corpus has one.
#
# Runs locally too: `.clusterfuzzlite/build.sh` from the repository root, $OUT defaults to
# fuzz/target/clusterfuzzlite-out. Environment (all optional):
#   OUT            output folder (ClusterFuzzLite sets it)
#   SANITIZER      address|memory build with cargo-fuzz (nightly, as in the ClusterFuzzLite image);
#                  anything else, or no cargo-fuzz, builds on stable as `parity fuzz` does
#   PARITY_SPECS   specs to build targets for (default: specs/example.toml)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -f "$PWD/fuzz/Cargo.toml" ]; then repo=$PWD; else repo=$(cd "$here/.." && pwd); fi
cd "$repo"
OUT=${OUT:-$repo/fuzz/target/clusterfuzzlite-out}
specs=${PARITY_SPECS:-specs/example.toml}
mkdir -p "$OUT"

host=$(rustc -vV | sed -n 's/^host: //p')
target_dir=${CARGO_TARGET_DIR:-$repo/fuzz/target}
case "${SANITIZER:-none}" in
  address|memory)
    if command -v cargo-fuzz >/dev/null; then
      (cd fuzz && cargo fuzz build -O --sanitizer "$SANITIZER" differential)
      binary=$target_dir/$host/release/differential
    fi
    ;;
esac
if [ -z "${binary:-}" ]; then
  # The same build as parity::fuzz::build (runner/src/fuzz/build.rs): stable Rust, explicit --target.
  RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
    cargo build --release --bin differential --target "$host" --manifest-path fuzz/Cargo.toml
  binary=$target_dir/$host/release/differential
fi

count=0
for spec in $specs; do
  stem=$(basename "$spec" .toml)
  spec_dir=$(dirname "$spec")
  cp "$spec" "$OUT/$stem.toml"
  # The Go side: [go] package = "dir" (relative to the spec) is built here; command = [...] is
  # not supported on ClusterFuzzLite (the runner image has only $OUT).
  package=$(awk '/^\[/{go = ($0 == "[go]")} go && /^package *=/{sub(/^package *= *"/, ""); sub(/".*$/, ""); print; exit}' "$spec")
  if [ -z "$package" ]; then
    echo "build.sh: $spec has no [go] package; skipped" >&2
    continue
  fi
  (cd "$spec_dir/$package" && go build -o "$OUT/$stem-go-harness" .)
  functions=$(awk '/^\[\[function\]\]/{f = 1; next} f && /^name *=/{sub(/^name *= *"/, ""); sub(/".*$/, ""); print; f = 0}' "$spec")
  for fun in $functions; do
    name=${stem//[^A-Za-z0-9]/_}_$fun
    cp -f "$binary" "$OUT/$name"
    printf 'PARITY_FUZZ_SPEC=%s\nPARITY_FUZZ_FUNCTION=%s\nPARITY_FUZZ_GO=%s\n' \
      "$stem.toml" "$fun" "$stem-go-harness" > "$OUT/$name.parity"
    seeds=fuzz/corpus/$stem/$fun
    if [ -d "$seeds" ] && command -v zip >/dev/null; then
      rm -f "$OUT/${name}_seed_corpus.zip"
      (cd "$seeds" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
    fi
    count=$((count + 1))
  done
done
echo "build.sh: $count fuzz targets in $OUT"
