#!/bin/sh
# phase-relay launcher. Same command line as the relay itself (see --help).
#
# Offline form: runs lib/phase-relay/relay.js on the bundled Deno runtime
# lib/phase-relay/deno with exactly the permissions the relay needs:
#   net   all hosts: it listens on --bind/--port and dials --bootstrap peers
#         and peers learned over libp2p, whose addresses are not known upfront
#   read  its own lib dir, /etc/phase, the state dir, and the --config,
#         --web-root and --releases-dir paths (flags or PHASE_* env)
#   write the state dir only
#   env   the PHASE_* variables it reads, plus DEBUG/NO_COLOR/TERM for logging
#   sys   the interface list (to announce its listen addresses) and hostname
# Compile form: lib/phase-relay/phase-relay-bin (deno compile) is run as is.
set -eu

self=$(readlink -f "$0")
prefix=$(dirname "$(dirname "$self")")
lib="$prefix/lib/phase-relay"

if [ -x "$lib/phase-relay-bin" ]; then
  exec "$lib/phase-relay-bin" "$@"
fi

state_dir="${PHASE_STATE_DIR:-}"
config="${PHASE_CONFIG:-}"
web_root="${PHASE_WEB_ROOT:-}"
releases_dir="${PHASE_RELEASES_DIR:-}"
prev=""
for arg in "$@"; do
  case "$prev" in
    --state-dir) state_dir="$arg" ;;
    --config) config="$arg" ;;
    --web-root) web_root="$arg" ;;
    --releases-dir) releases_dir="$arg" ;;
  esac
  case "$arg" in
    --state-dir=*) state_dir="${arg#--state-dir=}" ;;
    --config=*) config="${arg#--config=}" ;;
    --web-root=*) web_root="${arg#--web-root=}" ;;
    --releases-dir=*) releases_dir="${arg#--releases-dir=}" ;;
  esac
  prev="$arg"
done
[ -n "$state_dir" ] || state_dir="@DEFAULT_STATE_DIR@"

# The packaged web node, unless told otherwise.
extra=""
if [ -z "$web_root" ] && [ -d "$lib/web" ]; then
  web_root="$lib/web"
  extra="--web-root=$lib/web"
fi

abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
state_dir=$(abs "$state_dir")
read_list="$lib,/etc/phase,$state_dir"
for path in "$config" "$web_root" "$releases_dir"; do
  [ -z "$path" ] || read_list="$read_list,$(abs "$path")"
done

export DENO_NO_UPDATE_CHECK=1
export DENO_NO_PROMPT=1
# The runtime's code cache (optional: Deno runs without it if unwritable).
# For the service HOME is /var/lib/phase, so it lands in the state dir.
export DENO_DIR="${DENO_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/phase-relay}"

# --optimize-for-size: V8 sizes the heap for footprint; it cuts the relay's
# memory per connection by two thirds (tests/bench/relay_memory.ts).
exec "$lib/deno" run --v8-flags=--optimize-for-size --no-config --no-lock --no-remote --no-npm --cached-only --no-prompt \
  --allow-net \
  --allow-read="$read_list" \
  --allow-write="$state_dir" \
  --allow-env=@ENV_ALLOW@ \
  --allow-sys=@SYS_ALLOW@ \
  --preload "$lib/env_prelude.js" \
  "$lib/relay.js" ${extra:+"$extra"} "$@"
