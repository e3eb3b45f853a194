#!/usr/bin/env bash
# Install the Debian packages backprop-lab needs, if any is missing and we are allowed to.
# Without root or sudo, stop and print the exact command to run.
set -euo pipefail

packages=(graphviz libharfbuzz-subset0 fonts-dejavu-extra poppler-utils tmux chromium)

if ! command -v dpkg-query >/dev/null 2>&1; then
  for tool in dot pdftotext tmux chromium; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "system-deps: '$tool' is missing; install Graphviz, Poppler's utilities, tmux, Chromium," \
           "HarfBuzz's subset library and the DejaVu fonts with your package manager." >&2
      exit 1
    }
  done
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "system-deps: missing ${missing[*]}; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
