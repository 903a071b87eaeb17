# bench section: container start time with the bridge network vs none (issue 7). Sourced by bench.sh.
echo "== networks: docker run --rm busybox true, bridge (veth, IPAM, /etc files) vs none (best of ${NET_ROUNDS:-5})"
NR=${NET_ROUNDS:-5}
if ! docker image inspect busybox >/dev/null 2>&1; then
  nbtar=$(mktemp /tmp/berth-bench-bb.XXXXXX)
  on_exit 'rm -f "$nbtar"'
  bash "$(dirname "$0")/busybox-rootfs.sh" "$nbtar" && docker import "$nbtar" busybox >/dev/null
fi
netbest() {
  local b=0 t0 t1 d
  for _ in $(seq "$NR"); do
    t0=$(now); docker run --rm "$@" busybox true >/dev/null || { echo "failed: docker run $*" >&2; return 1; }; t1=$(now)
    d=$(ms "$t0" "$t1"); if [ "$b" -eq 0 ] || [ "$d" -lt "$b" ]; then b=$d; fi
  done
  echo "$b"
}
docker run --rm busybox true >/dev/null 2>&1 || true   # warm up: the default bridge is made on first use
row "what (ms)" "bridge" "none" "ratio"
br=$(netbest --network bridge)
no=$(netbest --network none)
row "docker run --rm busybox true" "$br" "$no" "$(ratio "$br" "$no")"
docker network create benchnet >/dev/null
on_exit 'docker network rm benchnet >/dev/null 2>&1'
un=$(netbest --network benchnet)
row "same on a user bridge (vs none)" "$un" "$no" "$(ratio "$un" "$no")"
docker network rm benchnet >/dev/null
echo "user bridge - none: $((un - no)) ms (issue 12's goal: within 10 ms)"
echo "(ratio = bridge time / none time; both make a network namespace, bridge adds a veth, addresses and routes)"
