# demo section: single-host networks (issue 7): none, host, bridge, container:<x>, a user bridge with DNS, ports.
step "Networks: the four modes as the container sees them"
run docker network ls
run docker run --rm --network none busybox ip a
run docker run --rm busybox sh -c 'ip a show eth0; ip r; cat /etc/resolv.conf'
run docker run --rm --network host busybox ip -o -4 a
run docker run -d --name netdemo-b1 busybox sleep 120
on_exit 'docker rm -f netdemo-b1 netdemo-a1 netdemo-a2 netdemo-web >/dev/null 2>&1; docker network rm netdemo >/dev/null 2>&1'
run docker run --rm --network container:netdemo-b1 busybox ip -o -4 a
run "$BERTH" ssh lab1 ip netns

step "Networks: a user-defined bridge, names resolved by the agent's DNS server"
run docker network create --subnet 172.30.0.0/24 --ip-range 172.30.0.128/25 netdemo
run docker run -d --name netdemo-a1 --network netdemo busybox sleep 120
run docker run -d --name netdemo-a2 --network netdemo --network-alias db busybox sleep 120
run docker exec netdemo-a1 ping -c 2 netdemo-a2
run docker exec netdemo-a1 nslookup db
run docker network inspect -f '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{println}}{{end}}' netdemo
echo "# removing a network with endpoints is refused:"
run docker network rm netdemo || true

step "Networks: a published port, fetched from lab2"
run docker run -d --name netdemo-web -p 8080:80 busybox httpd -f -p 80 -h /etc
run docker port netdemo-web
run "$BERTH" ssh lab2 curl -s "http://$("$BERTH" ip lab1):8080/hostname"
run docker rm -f netdemo-b1 netdemo-a1 netdemo-a2 netdemo-web
run docker network rm netdemo
run "$BERTH" ssh lab1 'ip -o link show type veth | grep -c " veth"; ip netns | wc -l'
