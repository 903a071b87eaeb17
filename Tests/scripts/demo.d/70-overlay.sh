# demo section: overlay networks across machines (issue 14), the study notes' sequence on the cluster store that
# the etcd section started: ov_net1 made on lab1 is seen by every machine; containers on lab1 and lab2 ping each
# other by name over VXLAN; a second overlay cannot reach the first.
step "Overlay: ov_net1 created on lab1, seen by every machine (Scope global)"
on_exit 'for h in lab1 lab2; do eval "$("$BERTH" env $h)"; docker rm -f ovdemo-c1 ovdemo-c2 ovdemo-c3; done; docker network rm ov_net1 ov_net2'
bbtar=$(mktemp /tmp/berth-demo-bb.XXXXXX.tar)
bash "$(dirname "$0")/busybox-rootfs.sh" "$bbtar"
for h in lab2 lab3; do eval "$("$BERTH" env $h)"; docker import -c 'CMD ["sh"]' "$bbtar" busybox >/dev/null; done
rm -f "$bbtar"
eval "$("$BERTH" env lab1)"
run docker network create -d overlay ov_net1
sleep 0.5
for h in lab1 lab2 lab3; do
  eval "$("$BERTH" env $h)"
  printf '%s: ' $h; docker network ls --filter name=ov_net --format '{{.ID}} {{.Name}} {{.Driver}} {{.Scope}}'
done

step "Overlay: a container on lab1 and one on lab2 ping each other by name"
eval "$("$BERTH" env lab1)"
run docker run -d --name ovdemo-c1 --network ov_net1 busybox sleep 300
eval "$("$BERTH" env lab2)"
run docker run -d --name ovdemo-c2 --network ov_net1 busybox sleep 300
run docker exec ovdemo-c2 ip r
for i in $(seq 1 50); do docker exec ovdemo-c2 ping -c 1 -W 1 ovdemo-c1 >/dev/null 2>&1 && break; sleep 0.1; done
run docker exec ovdemo-c2 ping -c 2 ovdemo-c1
eval "$("$BERTH" env lab1)"
run docker exec ovdemo-c1 ping -c 2 ovdemo-c2
run "$BERTH" ssh lab1 ip netns
ovns=$("$BERTH" ssh lab1 ip netns | awk '/^1-/{print $1; exit}')
run "$BERTH" ssh lab1 "ip netns exec $ovns ip -d link show vxlan0 | head -3; ip netns exec $ovns bridge fdb show dev vxlan0; ip netns exec $ovns ip neigh show dev vxlan0"
echo "# the store holds the network and every endpoint:"
eval "$("$BERTH" etcd env)"
run etcdctl get --prefix --keys-only /berth/overlay/

step "Overlay: a second overlay network cannot reach the first"
eval "$("$BERTH" env lab2)"
run docker network create -d overlay ov_net2
run docker run -d --name ovdemo-c3 --network ov_net2 busybox sleep 300
c1ip=$(eval "$("$BERTH" env lab1)"; docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' ovdemo-c1)
run docker exec ovdemo-c3 ip r
if docker exec ovdemo-c3 ping -c 1 -W 1 "$c1ip" >/dev/null 2>&1; then echo "UNEXPECTED: ov_net2 reached ov_net1"; exit 1; else echo "(ov_net2 cannot reach $c1ip on ov_net1, as it should be)"; fi
echo "# removing a network another machine has endpoints on is refused:"
eval "$("$BERTH" env lab3)"
run docker network rm ov_net1 || true
for h in lab1 lab2; do eval "$("$BERTH" env $h)"; docker rm -f ovdemo-c1 ovdemo-c2 ovdemo-c3 >/dev/null 2>&1 || true; done
eval "$("$BERTH" env lab3)"
run docker network rm ov_net1 ov_net2
run "$BERTH" etcd rm
eval "$("$BERTH" etcd env -u)"
