#!/bin/sh
# Installs the Phase relay from this service package on a host without dpkg.
#
#   ./setup.sh                 install or update (idempotent)
#   ./setup.sh --uninstall     remove program and unit; keep config and state
#   ./setup.sh --uninstall --purge   also remove /etc/phase and /var/lib/phase
#
# Options: --root DIR (install below DIR, for tests and image building; no
# user creation, no systemctl), --prefix DIR (default /usr/local),
# --no-verify (skip the metadata.json hash check).
# Layout: PREFIX/bin/phase-relay, PREFIX/lib/phase-relay/, /etc/phase/relay.toml
# (written only if absent), /etc/systemd/system/phase-relay.service,
# /var/lib/phase (owned by the `phase` system user).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=""
prefix="/usr/local"
action="install"
purge=0
verify=1

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; shift ;;
    --root=*) root="${1#--root=}" ;;
    --prefix) prefix="${2:?--prefix needs a directory}"; shift ;;
    --prefix=*) prefix="${1#--prefix=}" ;;
    --uninstall) action="uninstall" ;;
    --purge) purge=1 ;;
    --no-verify) verify=0 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
root="${root%/}"

bin="$root$prefix/bin/phase-relay"
lib="$root$prefix/lib/phase-relay"
unit="$root/etc/systemd/system/phase-relay.service"
config="$root/etc/phase/relay.toml"
state="$root/var/lib/phase"

have_systemd() { [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }
say() { echo "setup.sh: $*"; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

verify_package() {
  # metadata.json has one `"path": "sha256"` pair per line under "files".
  count=0
  sed -n 's/^ *"\([^"]*\)": "\([0-9a-f]\{64\}\)",\{0,1\}$/\1 \2/p' "$here/metadata.json" > "$tmp/sums"
  while read -r path sum; do
    [ -f "$here/$path" ] || { say "missing $path"; exit 1; }
    [ "$(sha256_of "$here/$path")" = "$sum" ] || { say "hash mismatch: $path"; exit 1; }
    count=$((count + 1))
  done < "$tmp/sums"
  [ "$count" -gt 0 ] || { say "metadata.json lists no files"; exit 1; }
  say "verified $count files against metadata.json"
}

install_file() { # mode src dst: copy through a temp file and rename (atomic, idempotent)
  mkdir -p "$(dirname "$3")"
  cp "$2" "$3.setup-tmp"
  chmod "$1" "$3.setup-tmp"
  mv -f "$3.setup-tmp" "$3"
}

do_install() {
  [ "$verify" = 0 ] || verify_package
  if have_systemd && systemctl is-active --quiet phase-relay.service; then was_active=1; else was_active=0; fi

  # Program: replace lib dir as a whole so files dropped by a new version go.
  mkdir -p "$root$prefix/lib"
  rm -rf "$lib.setup-new"
  cp -R "$here/lib/phase-relay" "$lib.setup-new"
  rm -rf "$lib"
  mv "$lib.setup-new" "$lib"
  install_file 0755 "$here/bin/phase-relay" "$bin"

  # Config: never overwrite an operator's file.
  if [ ! -f "$config" ]; then
    install_file 0640 "$here/relay.toml.example" "$config"
    say "wrote default config ${config}"
  fi
  install_file 0644 "$here/relay.toml.example" "$root$prefix/share/phase-relay/relay.toml.example"

  # Unit, pointed at this prefix.
  mkdir -p "$(dirname "$unit")"
  sed "s#/usr/bin/phase-relay#$prefix/bin/phase-relay#" "$here/phase-relay.service" > "$unit.setup-tmp"
  chmod 0644 "$unit.setup-tmp"
  mv -f "$unit.setup-tmp" "$unit"

  mkdir -p "$state"
  chmod 0750 "$state"
  if [ -z "$root" ] && [ "$(id -u)" = 0 ]; then
    getent group phase >/dev/null || groupadd --system phase
    getent passwd phase >/dev/null ||
      useradd --system --gid phase --home-dir /var/lib/phase --no-create-home \
        --shell /usr/sbin/nologin --comment "Phase relay" phase
    chown phase:phase "$state"
    chgrp phase "$config" && chmod 0640 "$config"
  elif [ -n "$root" ]; then
    say "--root given: skipped creating the phase user"
  fi

  if have_systemd; then
    systemctl daemon-reload
    [ "$was_active" = 0 ] || systemctl restart phase-relay.service
  fi
  say "installed $(cat "$here/VERSION" 2>/dev/null || echo phase-relay) to ${root:-/}"
  [ -n "$root" ] || say "start it with: systemctl enable --now phase-relay"
}

do_uninstall() {
  if have_systemd; then
    systemctl disable --now phase-relay.service >/dev/null 2>&1 || true
  fi
  rm -f "$unit" "$bin"
  rm -rf "$lib" "$root$prefix/share/phase-relay"
  if [ "$purge" = 1 ]; then
    rm -rf "$state" "$root/etc/phase"
    say "purged config and state"
  else
    say "kept ${config} and ${state} (use --purge to remove them)"
  fi
  have_systemd && systemctl daemon-reload || true
  say "uninstalled from ${root:-/}"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case "$action" in
  install) do_install ;;
  uninstall) do_uninstall ;;
esac
