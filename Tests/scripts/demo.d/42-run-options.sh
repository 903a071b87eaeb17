# demo section: run options and networks as dockerd takes them (issue 16): hosts, DNS, legacy links, read-only
# roots and tmpfs, bind propagation, IPv6 on a bridge network, a restart back-off, ONBUILD and a compressed context.
if ! docker image inspect busybox >/dev/null 2>&1; then
  rotar=$(mktemp /tmp/berth-demo-bb.XXXXXX)
  on_exit 'rm -f "$rotar"'
  bash "$(dirname "$0")/busybox-rootfs.sh" "$rotar" && docker import "$rotar" busybox >/dev/null
fi
step "Run options: /etc/hosts and /etc/resolv.conf from --add-host and --dns*, a legacy link's variables"
run docker run --rm --add-host db.lab:10.1.2.3 --add-host v6.lab:2001:db8::1 --dns 10.9.9.9 --dns-search lab.test \
  busybox sh -c 'grep lab /etc/hosts; cat /etc/resolv.conf'
on_exit 'docker rm -f optdemo-db optdemo-flaky >/dev/null 2>&1; docker network rm optdemo-v6 >/dev/null 2>&1'
run docker run -d --name optdemo-db -e PW=secret --expose 5432 busybox sleep 120
run docker run --rm --link optdemo-db:pg busybox sh -c 'env | grep ^PG_ | sort; grep pg /etc/hosts'

step "Run options: a read-only root with tmpfs mounts; an rslave bind sees what the host mounts later"
run docker run --rm --read-only --tmpfs /run:size=1m busybox sh -c 'touch /x || true; echo ok > /run/ok && cat /run/ok'
run "$BERTH" ssh lab1 'mkdir -p /srv/optdemo && mount -t tmpfs optdemo /srv/optdemo && mount --make-shared /srv/optdemo'
on_exit '"$BERTH" ssh lab1 "umount -R /srv/optdemo" >/dev/null 2>&1'
run docker run -d --name optdemo-slave -v /srv/optdemo:/data:rslave busybox sleep 120
on_exit 'docker rm -f optdemo-slave >/dev/null 2>&1'
run "$BERTH" ssh lab1 'mkdir -p /srv/optdemo/later && mount -t tmpfs later /srv/optdemo/later'
run docker exec optdemo-slave grep /data /proc/mounts
run docker inspect -f '{{range .Mounts}}{{.Destination}} {{.Propagation}}{{end}}' optdemo-slave

step "Networks: IPv6 on a bridge network"
run docker network create --ipv6 --subnet 2001:db8:42::/64 optdemo-v6
run docker run --rm --network optdemo-v6 busybox sh -c 'ip -6 addr show eth0 scope global; ip -6 route show default'
run docker network rm optdemo-v6

step "Restart policies: between two restarts the container is 'restarting', the back-off doubling"
run docker run -d --name optdemo-flaky --restart always busybox sh -c 'exit 3'
sleep 2
run docker ps --filter name=optdemo-flaky --format '{{.Names}}: {{.Status}}'
run docker inspect -f '{{.State.Status}} restarts={{.RestartCount}}' optdemo-flaky
run docker rm -f optdemo-db optdemo-flaky optdemo-slave

step "Builds: ONBUILD triggers and an xz-compressed context on stdin"
bdir=$(mktemp -d /tmp/berth-demo-onbuild.XXXXXX)
on_exit 'rm -rf "$bdir"; docker rmi optdemo-base optdemo-app >/dev/null 2>&1'
mkdir -p "$bdir/base" "$bdir/app"
printf 'FROM busybox\nONBUILD COPY greeting /greeting\n' > "$bdir/base/Dockerfile"
printf 'FROM optdemo-base\nCMD ["cat", "/greeting"]\n' > "$bdir/app/Dockerfile"
echo "hello from an ONBUILD trigger" > "$bdir/app/greeting"
run docker build -q -t optdemo-base "$bdir/base"
tar -C "$bdir/app" -cJf "$bdir/app.tar.xz" .
echo "\$ docker build -t optdemo-app - < app.tar.xz"
docker build -t optdemo-app - < "$bdir/app.tar.xz" | grep -E "Step|Executing|Successfully"
run docker run --rm optdemo-app
