#!/usr/bin/env bash
# make bench: Berth measured beside its peers in the same run, printed as ratios. Lab hosts only; cleans up.
set -euo pipefail
BERTH=${BERTH:?set by make}
export BERTH_STORAGE_PATH=${BERTH_BENCH_STORE:-/tmp/berth-bench-store}
NET=bbench
SUBNET=10.213.91.0/24
hosts=(b1 b2 b3)
N=${BENCH_ROUNDS:-20}

# Sections register their own clean-up with on_exit; all of it runs, newest first, before the hosts go.
exit_hooks=()
on_exit() { exit_hooks=("$*" "${exit_hooks[@]}"); }
cleanup() { for h in "${exit_hooks[@]}"; do eval "$h" >/dev/null 2>&1 || true; done; "$BERTH" rm -f "${hosts[@]}" b0 >/dev/null 2>&1 || true; rm -rf "$BERTH_STORAGE_PATH"; }
trap cleanup EXIT
cleanup

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
row() { printf '%-44s %10s %10s %8s\n' "$@"; }
mbs() { python3 -c "import sys; b,ms=int(sys.argv[1]),int(sys.argv[2]); print(f'{b/1e6/(ms/1e3):.0f}' if ms else 'n/a')" "$1" "$2"; }
# best (shortest) of R runs of a command, in ms (sections set R)
best() {
  local b=0 t0 t1 d
  for _ in $(seq "$R"); do
    t0=$(now); "$@" >/dev/null || { echo "failed: $*" >&2; return 1; }; t1=$(now)
    d=$(ms "$t0" "$t1"); if [ "$b" -eq 0 ] || [ "$d" -lt "$b" ]; then b=$d; fi
  done
  echo "$b"
}
# CPU seconds at each end of a run: this machine (the berth process, user+sys) and the agents (berthd's
# utime+stime from /proc, before and after).
agent_cpu() { local p; p=$("$BERTH" ssh "$1" cat /run/berth/berthd.pid); "$BERTH" ssh "$1" "awk '{print \$14 + \$15}' /proc/$p/stat"; }
tck=$(getconf CLK_TCK)
cpu_run() { # MACHINES... -- berth args: prints "ms local-cpu-s agent-cpu-s..." for one run
  local ms=() m before=() after=() t0 t1 TIMEFORMAT='%3U %3S' times
  while [ "$1" != "--" ]; do ms+=("$1"); shift; done; shift
  for m in "${ms[@]}"; do before+=("$(agent_cpu "$m")"); done
  t0=$(now); times=$( { time "$BERTH" "$@" >/dev/null; } 2>&1 | tail -1 ); t1=$(now)
  for m in "${ms[@]}"; do after+=("$(agent_cpu "$m")"); done
  local out="$(ms "$t0" "$t1") $(python3 -c "import sys; print(f'{float(sys.argv[1])+float(sys.argv[2]):.2f}')" $times)"
  for i in "${!ms[@]}"; do out+=" $(python3 -c "import sys; print(f'{(int(sys.argv[2])-int(sys.argv[1]))/int(sys.argv[3]):.2f}')" "${before[$i]}" "${after[$i]}" "$tck")"; done
  echo "$out"
}

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


# Sections, in order: each is sourced with the helpers above, hosts b1..b3 (and b0) up, docker pointed at b1.
# BENCH_SECTIONS="overlay flannel" runs only the sections whose file names contain one of the words.
for section in "$(dirname "$0")"/bench.d/*.sh; do
  if [ -n "${BENCH_SECTIONS:-}" ]; then
    keep=0; for w in $BENCH_SECTIONS; do case "$(basename "$section")" in *"$w"*) keep=1 ;; esac; done
    [ "$keep" = 1 ] || continue
  fi
  eval "$("$BERTH" env b1)"
  # shellcheck source=/dev/null
  source "$section"
done
