#!/usr/bin/env bash
# The benchmark's peer: Debian's docker.io dockerd (with containerd and runc), never installed system-wide.
# `peer-dockerd.sh fetch` downloads the .debs with `apt-get download` into .build/peers/debs (once), extracts them
# with `dpkg-deb -x` into .build/peers/root and prints that directory. The bench starts dockerd from there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
peers=$repo/.build/peers
case "${1:-fetch}" in
  fetch)
    if [ ! -x "$peers/root/usr/sbin/dockerd" ]; then
      mkdir -p "$peers/debs" "$peers/root"
      (cd "$peers/debs" && apt-get download docker.io containerd runc >/dev/null 2>&1) \
        || { echo "peer-dockerd: apt-get download docker.io containerd runc failed" >&2; exit 1; }
      for deb in "$peers"/debs/*.deb; do dpkg-deb -x "$deb" "$peers/root"; done
    fi
    echo "$peers/root" ;;
  *) echo "usage: peer-dockerd.sh fetch" >&2; exit 2 ;;
esac
