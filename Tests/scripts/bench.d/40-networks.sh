# bench section: container start time with the bridge network vs none (issues 7 and 12). Sourced by bench.sh.
# The three modes take turns in every round, so a drift of the machine (page cache, another job) falls on all
# three alike; each is reported as its median.
NR=${NET_ROUNDS:-15}
echo "== networks: docker run --rm busybox true, bridge (veth, IPAM, /etc files) vs none (median of $NR, interleaved)"
if ! docker image inspect busybox >/dev/null 2>&1; then
  nbtar=$(mktemp /tmp/berth-bench-bb.XXXXXX)
  on_exit 'rm -f "$nbtar"'
  bash "$(dirname "$0")/busybox-rootfs.sh" "$nbtar" && docker import "$nbtar" busybox >/dev/null
fi
docker run --rm busybox true >/dev/null 2>&1 || true   # warm up: the default bridge is made on first use
docker network create benchnet >/dev/null
on_exit 'docker network rm benchnet >/dev/null 2>&1'
docker run --rm --network benchnet busybox true >/dev/null
nettimes=$(mktemp /tmp/berth-bench-net.XXXXXX)
on_exit 'rm -f "$nettimes"'
for _ in $(seq "$NR"); do
  for mode in bridge none benchnet; do
    t0=$(now); docker run --rm --network "$mode" busybox true >/dev/null \
      || { echo "failed: docker run --network $mode" >&2; exit 1; }
    t1=$(now); echo "$mode $(ms "$t0" "$t1")" >>"$nettimes"
  done
done
netmedian() { awk -v m="$1" '$1 == m {print $2}' "$nettimes" | sort -n \
  | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
br=$(netmedian bridge); no=$(netmedian none); un=$(netmedian benchnet)
row "what (ms, median)" "bridge" "none" "ratio"
row "docker run --rm busybox true" "$br" "$no" "$(ratio "$br" "$no")"
row "same on a user bridge (vs none)" "$un" "$no" "$(ratio "$un" "$no")"
docker network rm benchnet >/dev/null
echo "user bridge - none: $((un - no)) ms (issue 12's goal: within 10 ms)"
echo "(ratio = bridge time / none time; both make a network namespace, bridge adds a veth, addresses and routes)"
