#!/usr/bin/env bash
# Installs, with apt-get, only the Debian packages podpath's tests need that are missing:
# the browser for Playwright, the network tools the lab and the probes run, PostgreSQL for the
# trace store tests, and kubectl when there is none on PATH. Does nothing (and needs no network)
# when everything is there.
set -euo pipefail

packages=(
  chromium
  iproute2
  iptables
  busybox
  traceroute
  iputils-tracepath
  iputils-ping
  netcat-openbsd
  dnsutils
  inetutils-traceroute
  mtr-tiny
  postgresql
)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure-system-packages: not a Debian-like system (no dpkg-query); install these yourself: ${packages[*]} kubectl" >&2
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
# Debian's kubectl package conflicts with other kubectl packages (and with a kubectl dropped on
# PATH by hand), so it is only installed when there is no kubectl at all.
if ! command -v kubectl >/dev/null 2>&1; then
  missing+=(kubernetes-client)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure-system-packages: all present"
  exit 0
fi

echo "ensure-system-packages: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "ensure-system-packages: missing ${missing[*]}, and not root (no sudo) to install them" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
