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
run docker logs web
run docker stop -t 1 web
run docker ps -a
run docker rm -f web
