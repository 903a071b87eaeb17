# demo section: containers and images in the agent (issue 5), driven by the stock docker CLI.
step "Containers: import a busybox rootfs as an image, run, exec, logs, stop, remove"
bbtar=$(mktemp /tmp/berth-demo-bb.XXXXXX)
on_exit 'rm -f "$bbtar"'
bash "$(dirname "$0")/busybox-rootfs.sh" "$bbtar"
run docker import -c 'CMD ["sh"]' "$bbtar" busybox
run docker images
run docker run --rm busybox echo hello from a container
run docker run --rm busybox sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; echo; id'
run docker run -d --name web busybox httpd -f -v -p 80
run docker exec web ps
run docker ps
run docker top web
run docker stats --no-stream web
run docker logs web
run docker stop -t 1 web
run docker ps -a
run docker rm -f web

step "Restart policies survive the host: 'always' comes back after berth restart, 'no' does not"
run docker run -d --name keeper --restart always busybox sleep 3600
run docker run -d --name oneshot --restart no busybox sleep 3600
run "$BERTH" restart lab1
# The agent starts them once it has loaded its containers and networks: give it a moment.
for _ in $(seq 50); do docker ps --format '{{.Names}}' | grep -qx keeper && break; sleep 0.2; done
run docker ps --format '{{.Names}}: {{.Status}}'
run docker rm -f keeper oneshot
