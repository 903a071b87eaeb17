# bench section: overlay networks across machines (issue 14). Sourced by bench.sh. A one-member etcd on b1; the
# overlay's convergence on four hosts; iperf3 throughput between two containers' sandboxes on b1 and b2 over the
# overlay, beside a VXLAN tunnel made by hand between the same two hosts (the kernel's own ceiling) and the bare
# underlay. Everything stays on the lab switch.
echo "== overlay: convergence on four hosts, throughput against a hand-made VXLAN and the underlay"
IPERF_SECONDS=${BENCH_IPERF_SECONDS:-10}
ovhosts=(b0 b1 b2 b3)
"$BERTH" etcd create b1 >/dev/null
on_exit '"$BERTH" etcd rm -f'
ovtar=$(mktemp /tmp/berth-bench-ovbb.XXXXXX)
on_exit 'rm -f "$ovtar"'
bash "$(dirname "$0")/busybox-rootfs.sh" "$ovtar"
for h in "${ovhosts[@]}"; do
  eval "$("$BERTH" env "$h")"
  docker image inspect busybox >/dev/null 2>&1 || docker import "$ovtar" busybox >/dev/null
done
on_exit 'for h in b0 b1 b2 b3; do eval "$("$BERTH" env $h)"; docker rm -f ovb-$h; done; docker network rm benchov'

eval "$("$BERTH" env b0)"
t0=$(now)
docker network create -d overlay benchov >/dev/null
for h in "${ovhosts[@]}"; do
  eval "$("$BERTH" env "$h")"
  # The network reaches each machine through its watch; the run waits for nothing else.
  for _ in $(seq 100); do docker network inspect benchov >/dev/null 2>&1 && break; sleep 0.02; done
  docker run -d --name "ovb-$h" --network benchov busybox sleep 600 >/dev/null
done
t1=$(now)
# From the last container's start to its first ping (by name) of the first, and to its name resolving on b0.
for _ in $(seq 200); do docker exec ovb-b3 ping -c 1 -W 1 ovb-b0 >/dev/null 2>&1 && break; sleep 0.02; done
t2=$(now)
eval "$("$BERTH" env b0)"
for _ in $(seq 200); do docker exec ovb-b0 nslookup ovb-b3 >/dev/null 2>&1 && break; sleep 0.02; done
t3=$(now)
row "what" "ms" "" ""
row "overlay create + 4 runs on 4 hosts" "$(ms "$t0" "$t1")" "" ""
row "last run -> its first cross-host ping by name" "$(ms "$t1" "$t2")" "" ""
row "last run -> its name resolving on b0" "$(ms "$t1" "$t3")" "" ""

# Throughput: iperf3 in the two containers' sandboxes (the container's data path: veth, br0, vxlan0, underlay).
sandbox() { eval "$("$BERTH" env "$1")"; docker inspect -f '{{.NetworkSettings.SandboxID}}' "ovb-$1"; }
ovip() { eval "$("$BERTH" env "$1")"; docker inspect -f '{{(index .NetworkSettings.Networks "benchov").IPAddress}}' "ovb-$1"; }
ip1=$("$BERTH" ip b1); ip2=$("$BERTH" ip b2)
s1=$(sandbox b1); s2=$(sandbox b2); o1=$(ovip b1)
gbps() { python3 -c 'import json,sys; d=json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]; print(f"{d/1e9:.2f}")'; }
iperf() {  # iperf SERVER_NETNS_PREFIX CLIENT_NETNS_PREFIX ADDRESS
  "$BERTH" ssh b1 "$1 iperf3 -s -1 -D -p 5299 >/dev/null 2>&1"; sleep 0.3
  "$BERTH" ssh b2 "$2 iperf3 -c $3 -p 5299 -t $IPERF_SECONDS -J" | gbps
}
over=$(iperf "ip netns exec $s1" "ip netns exec $s2" "$o1")
# The kernel's own VXLAN between the same two hosts, by hand, with the overlay's MTU.
on_exit '"$BERTH" ssh b1 ip link del bvx0; "$BERTH" ssh b2 ip link del bvx0'
"$BERTH" ssh b1 "ip link add bvx0 type vxlan id 4242 dstport 4790 remote $ip2 local $ip1 dev eth0 && ip addr add 192.168.242.1/24 dev bvx0 && ip link set bvx0 mtu 1450 up"
"$BERTH" ssh b2 "ip link add bvx0 type vxlan id 4242 dstport 4790 remote $ip1 local $ip2 dev eth0 && ip addr add 192.168.242.2/24 dev bvx0 && ip link set bvx0 mtu 1450 up"
raw=$(iperf "" "" 192.168.242.1)
"$BERTH" ssh b1 ip link del bvx0; "$BERTH" ssh b2 ip link del bvx0
under=$(iperf "" "" "$ip1")
row "iperf3 ${IPERF_SECONDS} s, Gbit/s" "overlay" "peer" "ratio"
row "overlay vs hand-made VXLAN (goal >= 0.95)" "$over" "$raw" "$(ratio "$over" "$raw")"
row "overlay vs bare underlay" "$over" "$under" "$(ratio "$over" "$under")"
for h in "${ovhosts[@]}"; do eval "$("$BERTH" env "$h")"; docker rm -f "ovb-$h" >/dev/null; done
docker network rm benchov >/dev/null
"$BERTH" etcd rm >/dev/null
eval "$("$BERTH" env b1)"
