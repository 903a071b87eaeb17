#!/usr/bin/env bash
# The benchmark's peer: Debian's docker.io dockerd (with containerd and runc), never installed system-wide.
# `peer-dockerd.sh fetch` downloads the .debs with `apt-get download` into .build/peers/debs (once), extracts them
# with `dpkg-deb -x` into .build/peers/root and prints that directory. The bench starts dockerd from there.
# `peer-dockerd.sh start MACHINE DIR` runs that dockerd inside lab host MACHINE (through `$BERTH ssh`, with its
# own data and exec roots under DIR, no iptables, no default bridge) and prints its socket, DIR/d.sock, once it
# answers; `peer-dockerd.sh stop MACHINE DIR` ends it by its pid and removes DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
peers=$repo/.build/peers
case "${1:-fetch}" in
  fetch)
    if [ ! -x "$peers/root/usr/sbin/dockerd" ]; then
      mkdir -p "$peers/debs" "$peers/root"
      (cd "$peers/debs" && { apt-get download docker.io containerd runc >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get download docker.io containerd runc >/dev/null 2>&1; }; }) \
        || { echo "peer-dockerd: apt-get download docker.io containerd runc failed" >&2; exit 1; }
      for deb in "$peers"/debs/*.deb; do dpkg-deb -x "$deb" "$peers/root"; done
    fi
    echo "$peers/root" ;;
  start)
    machine=${2:?machine}; dir=${3:?dir}
    root=$("$0" fetch)
    mkdir -p "$dir"
    "${BERTH:?set BERTH}" ssh "$machine" "PATH=$root/usr/sbin:$root/usr/bin:\$PATH setsid $root/usr/sbin/dockerd \
      --data-root $dir/data --exec-root $dir/x -H unix://$dir/d.sock --pidfile $dir/dockerd.pid --iptables=false \
      --ip-masq=false --bridge=none --storage-driver=overlay2 </dev/null >$dir/dockerd.log 2>&1 &"
    for _ in $(seq 150); do
      DOCKER_HOST=unix://$dir/d.sock docker version >/dev/null 2>&1 && { echo "$dir/d.sock"; exit 0; }
      sleep 0.2
    done
    echo "peer-dockerd: dockerd did not answer on $dir/d.sock; its log:" >&2; tail -20 "$dir/dockerd.log" >&2; exit 1 ;;
  stop)
    machine=${2:?machine}; dir=${3:?dir}
    "${BERTH:?set BERTH}" ssh "$machine" "p=\$(cat $dir/dockerd.pid 2>/dev/null) && kill \$p; \
      for i in \$(seq 100); do kill -0 \$p 2>/dev/null || break; sleep 0.1; done" >/dev/null 2>&1 || true
    rm -rf "$dir" ;;
  *) echo "usage: peer-dockerd.sh fetch | start MACHINE DIR | stop MACHINE DIR" >&2; exit 2 ;;
esac
