# demo section: macvlan across two machines (issue 15), the study notes' way: the same network made on each host
# with -o parent=eth0, containers with fixed IPs straight on the lab link; by IP they reach each other, by name not.
step "macvlan: mac_net1 on lab1 and lab2, containers on the lab link with fixed IPs"
on_exit 'for h in lab1 lab2; do eval "$("$BERTH" env $h)"; docker rm -f macdemo-1 macdemo-2; docker network rm mac_net1; done'
for h in lab2; do
  eval "$("$BERTH" env $h)"
  docker image inspect busybox >/dev/null 2>&1 || {
    mvtar=$(mktemp /tmp/berth-demo-bb.XXXXXX); bash "$(dirname "$0")/busybox-rootfs.sh" "$mvtar"
    docker import -c 'CMD ["sh"]' "$mvtar" busybox >/dev/null; rm -f "$mvtar"; }
done
for h in lab1 lab2; do
  eval "$("$BERTH" env $h)"
  run docker network create -d macvlan --subnet=172.31.86.0/24 --gateway=172.31.86.1 -o parent=eth0 mac_net1
done
eval "$("$BERTH" env lab1)"
run docker run -d --name macdemo-1 --ip=172.31.86.10 --network mac_net1 busybox sleep 120
eval "$("$BERTH" env lab2)"
run docker run -d --name macdemo-2 --ip=172.31.86.11 --network mac_net1 busybox sleep 120
run docker exec macdemo-2 ip -o link show eth0
run docker exec macdemo-2 ping -c 2 172.31.86.10
if docker exec macdemo-2 ping -c 1 -W 1 macdemo-1 >/dev/null 2>&1; then echo "UNEXPECTED: resolved by name"; else echo "(by name: bad address 'macdemo-1', as the notes observe)"; fi
echo "# a second macvlan network on the same parent is refused:"
run docker network create -d macvlan --subnet=172.31.87.0/24 -o parent=eth0 mac_net2 || true
echo "# a VLAN parent needs the kernel's 802.1Q support:"
run docker network create -d macvlan --subnet=172.31.88.0/24 -o parent=eth0.10 mac_vlan10 || true
docker network rm mac_vlan10 >/dev/null 2>&1 || true
for h in lab1 lab2; do eval "$("$BERTH" env $h)"; docker rm -f macdemo-1 macdemo-2 >/dev/null 2>&1 || true; docker network rm mac_net1 >/dev/null; done
