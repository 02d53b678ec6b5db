#!/usr/bin/env bash
# Rebuilds the test programs. Needs Debian's clang, lld, wasi-libc,
# libclang-rt-14-dev-wasm32 (C -> wasm32-wasi) and wabt (wat2wasm):
#   apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt
# binaryen's wasm-opt must NOT be on PATH (clang would run Debian's old one).
# The built .wasm files are committed, so tests never need these tools.
set -euo pipefail
cd "$(dirname "$0")"
PATH=$(echo "$PATH" | tr ':' '\n' | while read -r d; do [ -x "$d/wasm-opt" ] || echo "$d"; done | paste -sd:)
export PATH
CC=${CC:-clang}
CFLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-all)
for src in hello sha256 membomb flood; do
  "$CC" "${CFLAGS[@]}" -o "$src.wasm" "$src.c"
  echo "built $src.wasm"
done
for src in loop trap_unreachable trap_div_zero unknown_import; do
  wat2wasm "$src.wat" -o "$src.wasm"
  echo "built $src.wasm"
done
