# bench section: flannel (vxlan, host-gw) and macvlan between two lab hosts (issue 15). Sourced by bench.sh. iperf3
# between containers' sandboxes on b1 and b2, against a hand-made kernel VXLAN tunnel (flannel vxlan) and the bare
# underlay (host-gw, macvlan); and the time from `berth flannel create` on three hosts to the first ping.
echo "== flannel and macvlan: iperf3 between containers on b1 and b2"
FS=${BENCH_IPERF_SECONDS:-10}
"$BERTH" etcd create b1 >/dev/null
on_exit '"$BERTH" flannel rm; "$BERTH" etcd rm -f'
fltar=$(mktemp /tmp/berth-bench-flbb.XXXXXX)
on_exit 'rm -f "$fltar"'
bash "$(dirname "$0")/busybox-rootfs.sh" "$fltar"
for h in b1 b2 b3; do eval "$("$BERTH" env "$h")"; docker image inspect busybox >/dev/null 2>&1 || docker import "$fltar" busybox >/dev/null; done
on_exit 'for h in b1 b2 b3; do eval "$("$BERTH" env $h)"; docker rm -f flb-$h; docker network rm flbmac; done'
fip1=$("$BERTH" ip b1); fip2=$("$BERTH" ip b2)
flgbps() { python3 -c 'import json,sys; d=json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]; print(f"{d/1e9:.2f}")'; }
fliperf() {  # SERVER_PREFIX CLIENT_PREFIX ADDRESS
  "$BERTH" ssh b1 "$1 iperf3 -s -1 -D -p 5298 >/dev/null 2>&1"; sleep 0.3
  "$BERTH" ssh b2 "$2 iperf3 -c $3 -p 5298 -t $FS -J" | flgbps
}
flsandbox() { eval "$("$BERTH" env "$1")"; docker inspect -f '{{.NetworkSettings.SandboxID}}' "flb-$1"; }
flrun() {  # start a container on each host, wait for b3 -> b1 ping; prints ms from create to ping
  for h in b1 b2 b3; do eval "$("$BERTH" env "$h")"; docker run -d --name "flb-$h" "$@" busybox sleep 600 >/dev/null; done
}
flping() { eval "$("$BERTH" env b1)"; local a; a=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' flb-b1)
  eval "$("$BERTH" env b3)"; for _ in $(seq 200); do docker exec flb-b3 ping -c 1 -W 1 "$a" >/dev/null 2>&1 && return 0; sleep 0.02; done; return 1; }
flstop() { for h in b1 b2 b3; do eval "$("$BERTH" env "$h")"; docker rm -f "flb-$h" >/dev/null; done; }
flover() { local s1 s2 a; s1=$(flsandbox b1); s2=$(flsandbox b2)
  eval "$("$BERTH" env b1)"; a=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' flb-b1)
  fliperf "ip netns exec $s1" "ip netns exec $s2" "$a"; }

t0=$(now); "$BERTH" flannel create --network 10.1.0.0/16 --backend vxlan b1 b2 b3 >/dev/null; flrun; flping; t1=$(now)
vx=$(flover); flstop
"$BERTH" flannel rm >/dev/null
"$BERTH" ssh b1 "ip link add bvx1 type vxlan id 4243 dstport 4791 remote $fip2 local $fip1 dev eth0 && ip addr add 192.168.243.1/24 dev bvx1 && ip link set bvx1 mtu 1450 up"
"$BERTH" ssh b2 "ip link add bvx1 type vxlan id 4243 dstport 4791 remote $fip1 local $fip2 dev eth0 && ip addr add 192.168.243.2/24 dev bvx1 && ip link set bvx1 mtu 1450 up"
raw=$(fliperf "" "" 192.168.243.1)
"$BERTH" ssh b1 ip link del bvx1; "$BERTH" ssh b2 ip link del bvx1
"$BERTH" flannel create --network 10.1.0.0/16 --backend host-gw b1 b2 b3 >/dev/null; flrun; flping
hg=$(flover); flstop
"$BERTH" flannel rm >/dev/null
under=$(fliperf "" "" "$fip1")
for h in b1 b2 b3; do eval "$("$BERTH" env "$h")"; docker network create -d macvlan --subnet 172.31.86.0/24 -o parent=eth0 flbmac >/dev/null; done
n=10; for h in b1 b2 b3; do eval "$("$BERTH" env "$h")"; docker run -d --name "flb-$h" --network flbmac --ip "172.31.86.$n" busybox sleep 600 >/dev/null; n=$((n+1)); done
mv=$(flover); flstop
for h in b1 b2 b3; do eval "$("$BERTH" env "$h")"; docker network rm flbmac >/dev/null; done
row "what" "ms" "" ""
row "flannel create (vxlan, 3 hosts) -> first ping" "$(ms "$t0" "$t1")" "" ""
row "iperf3 ${FS} s, Gbit/s" "berth" "peer" "ratio"
row "flannel vxlan vs hand-made VXLAN (>= 0.95)" "$vx" "$raw" "$(ratio "$vx" "$raw")"
row "flannel host-gw vs bare underlay (>= 0.95)" "$hg" "$under" "$(ratio "$hg" "$under")"
row "macvlan vs bare underlay (>= 0.95)" "$mv" "$under" "$(ratio "$mv" "$under")"
"$BERTH" etcd rm >/dev/null
eval "$("$BERTH" env b1)"
