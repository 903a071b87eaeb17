#!/usr/bin/env bash
# make bench: Berth measured beside its peers in the same run, printed as ratios. Lab hosts only; cleans up.
set -euo pipefail
BERTH=${BERTH:?set by make}
export BERTH_STORAGE_PATH=${BERTH_BENCH_STORE:-/tmp/berth-bench-store}
NET=bbench
SUBNET=10.213.91.0/24
hosts=(b1 b2 b3)
N=${BENCH_ROUNDS:-20}

cleanup() { "$BERTH" rm -f "${hosts[@]}" b0 >/dev/null 2>&1 || true; rm -rf "$BERTH_STORAGE_PATH"; }
trap cleanup EXIT
cleanup

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
row() { printf '%-44s %10s %10s %8s\n' "$@"; }

echo "== create"
t0=$(now); "$BERTH" create -d lab --lab-network $NET --lab-subnet $SUBNET b0 >/dev/null; t1=$(now)
one=$(ms "$t0" "$t1")
t0=$(now); "$BERTH" create -d lab --lab-network $NET --lab-subnet $SUBNET "${hosts[@]}" >/dev/null; t1=$(now)
three=$(ms "$t0" "$t1")
row "what" "berth ms" "peer ms" "ratio"
row "create -d lab, one host" "$one" "-" "-"
row "create -d lab, three in parallel (vs 3x one)" "$three" "$((one * 3))" "$(ratio "$three" "$((one * 3))")"

echo "== ssh round trip ($N runs): berth ssh vs OpenSSH ssh, same host and key"
ip=$("$BERTH" ip b1)
key=$BERTH_STORAGE_PATH/machines/b1/id_ed25519
kh=$BERTH_STORAGE_PATH/machines/b1/known_hosts
t0=$(now); for _ in $(seq "$N"); do "$BERTH" ssh b1 true; done; t1=$(now)
b=$(ms "$t0" "$t1")
t0=$(now); for _ in $(seq "$N"); do ssh -q -i "$key" -o UserKnownHostsFile="$kh" -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes root@"$ip" true; done; t1=$(now)
o=$(ms "$t0" "$t1")
row "ssh HOST true (per run)" "$((b / N))" "$((o / N))" "$(ratio "$b" "$o")"

echo "== env and ls"
t0=$(now); for _ in $(seq "$N"); do "$BERTH" env b1 >/dev/null; done; t1=$(now)
row "berth env (per run)" "$(( $(ms "$t0" "$t1") / N ))" "-" "-"
t0=$(now); for _ in $(seq "$N"); do "$BERTH" ls >/dev/null; done; t1=$(now)
row "berth ls, 4 hosts (per run)" "$(( $(ms "$t0" "$t1") / N ))" "-" "-"

echo "== agent"
eval "$("$BERTH" env b1)"
t0=$(now); for _ in $(seq "$N"); do docker version >/dev/null; done; t1=$(now)
row "docker version against berthd (per run)" "$(( $(ms "$t0" "$t1") / N ))" "-" "-"
pid=$("$BERTH" ssh b1 cat /run/berth/berthd.pid)
rss=$("$BERTH" ssh b1 "awk '/VmRSS/ {print \$2}' /proc/$pid/status")
size=$(stat -c %s "${BERTH_AGENT:-.build/agent/berthd}")
echo "berthd binary: $((size / 1024 / 1024)) MiB ($size bytes); idle RSS: $((rss / 1024)) MiB (${rss} KiB)"

echo "== scp: the same 256 MiB file, berth scp vs OpenSSH scp / scp -3, same hosts and keys (best of ${SCP_ROUNDS:-3})"
R=${SCP_ROUNDS:-3}
scpdir=$(mktemp -d /tmp/berth-bench-scp.XXXXXX)
trap 'rm -rf "$scpdir"; "$BERTH" ssh b1 "rm -f /tmp/bench-scp-*" >/dev/null 2>&1 || true; cleanup' EXIT
head -c 256M /dev/urandom > "$scpdir/f256"
bytes=$(stat -c %s "$scpdir/f256")
ip2=$("$BERTH" ip b2)
key2=$BERTH_STORAGE_PATH/machines/b2/id_ed25519
kh2=$BERTH_STORAGE_PATH/machines/b2/known_hosts
ossh=(-o IdentitiesOnly=yes -o StrictHostKeyChecking=yes)
mbs() { python3 -c "import sys; b,ms=int(sys.argv[1]),int(sys.argv[2]); print(f'{b/1e6/(ms/1e3):.0f}' if ms else 'n/a')" "$1" "$2"; }
# best (shortest) of R runs of a command, in ms
best() {
  local b=0 t0 t1 d
  for _ in $(seq "$R"); do
    t0=$(now); "$@" >/dev/null || { echo "failed: $*" >&2; return 1; }; t1=$(now)
    d=$(ms "$t0" "$t1"); if [ "$b" -eq 0 ] || [ "$d" -lt "$b" ]; then b=$d; fi
  done
  echo "$b"
}
row "what (MB/s)" "berth" "openssh" "ratio"
b=$(best "$BERTH" scp -q "$scpdir/f256" b1:/tmp/bench-scp-b)
o=$(best scp -q -i "$key" -o UserKnownHostsFile="$kh" "${ossh[@]}" "$scpdir/f256" root@"$ip":/tmp/bench-scp-o)
row "scp 256 MiB local -> host (vs scp)" "$(mbs "$bytes" "$b")" "$(mbs "$bytes" "$o")" "$(ratio "$o" "$b")"
b=$(best "$BERTH" scp -q b1:/tmp/bench-scp-b b2:/tmp/bench-scp-bh)
o=$(best scp -3 -q -i "$key" -i "$key2" -o UserKnownHostsFile="$kh $kh2" "${ossh[@]}" \
    root@"$ip":/tmp/bench-scp-o root@"$ip2":/tmp/bench-scp-oh)
row "scp 256 MiB host -> host (vs scp -3)" "$(mbs "$bytes" "$b")" "$(mbs "$bytes" "$o")" "$(ratio "$o" "$b")"
b=$(best "$BERTH" scp -q b1:/tmp/bench-scp-b "$scpdir/back-b")
o=$(best scp -q -i "$key" -o UserKnownHostsFile="$kh" "${ossh[@]}" root@"$ip":/tmp/bench-scp-o "$scpdir/back-o")
row "scp 256 MiB host -> local (vs scp)" "$(mbs "$bytes" "$b")" "$(mbs "$bytes" "$o")" "$(ratio "$o" "$b")"
cmp -s "$scpdir/f256" "$scpdir/back-b" || { echo "berth scp: round trip differs" >&2; exit 1; }
echo "(ratio = berth throughput / OpenSSH throughput; berth also verifies every file's SHA-256 before renaming it into place)"
