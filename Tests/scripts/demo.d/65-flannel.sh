# demo section: flannel across the three lab hosts (issue 15), with the agents playing flanneld on the cluster store
# the etcd section started: vxlan first, then host-gw, containers on different hosts reaching each other by IP.
step "flannel (vxlan): berth flannel create writes flannel's config; every agent leases a subnet"
on_exit '"$BERTH" flannel rm; for h in lab1 lab2 lab3; do eval "$("$BERTH" env $h)"; docker rm -f fldemo-$h; done'
for h in lab2 lab3; do
  eval "$("$BERTH" env $h)"
  docker image inspect busybox >/dev/null 2>&1 || {
    fltar=$(mktemp /tmp/berth-demo-bb.XXXXXX); bash "$(dirname "$0")/busybox-rootfs.sh" "$fltar"
    docker import -c 'CMD ["sh"]' "$fltar" busybox >/dev/null; rm -f "$fltar"; }
done
run "$BERTH" flannel create --network 10.1.0.0/16 --backend vxlan
eval "$("$BERTH" etcd env)"
run etcdctl get --prefix /coreos.com/network/
run "$BERTH" ssh lab2 "cat /run/flannel/subnet.env; ip -d link show flannel.1 | sed -n 3p; ip r"
fldemo() {
  for h in lab1 lab2 lab3; do eval "$("$BERTH" env $h)"; docker run -d --name fldemo-$h busybox sleep 120 >/dev/null; done
  eval "$("$BERTH" env lab1)"; a1=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' fldemo-lab1)
  eval "$("$BERTH" env lab3)"; a3=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' fldemo-lab3)
  run docker exec fldemo-lab3 ip -o -4 addr show eth0
  run docker exec fldemo-lab3 ping -c 2 "$a1"
  eval "$("$BERTH" env lab1)"
  run docker exec fldemo-lab1 ping -c 2 "$a3"
  for h in lab1 lab2 lab3; do eval "$("$BERTH" env $h)"; docker rm -f fldemo-$h >/dev/null; done
}
fldemo
run "$BERTH" flannel ls

step "flannel (host-gw): the same network with routes via the peers' addresses"
run "$BERTH" flannel rm
run "$BERTH" flannel create --network 10.1.0.0/16 --backend host-gw
run "$BERTH" ssh lab2 ip r
fldemo
run "$BERTH" flannel rm
run "$BERTH" ssh lab2 "ip r; ip -4 -o addr show berth0"
eval "$("$BERTH" env lab1)"
