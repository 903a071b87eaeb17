# demo section: volumes (issue 6): named and anonymous volumes, binds, copy-up, a data-packed volume container,
# the classic backup recipe, and berth volume migrate/backup/restore between lab hosts with equal checksums.
bbdir=$(mktemp -d /tmp/berth-demo-vol.XXXXXX)
on_exit 'rm -rf "$bbdir"'
bash "$(dirname "$0")/busybox-rootfs.sh" "$bbdir/bb.tar"
# busybox comes from the containers section; shown alone (DEMO_SECTIONS), this section imports it itself.
docker image inspect busybox >/dev/null 2>&1 || docker import -c 'CMD ["sh"]' "$bbdir/bb.tar" busybox >/dev/null
step "Volumes: a named volume shared by containers, read-only mounts, labels and filters"
run docker volume create --label app=demo data
run docker run --rm -v data:/data busybox sh -c 'echo hello from a volume > /data/greeting; mkdir -p /data/sub; ls -ln /data'
run docker run --rm -v data:/data:ro busybox sh -c 'cat /data/greeting; touch /data/x || echo "(read-only, as asked)"'
run docker volume ls --filter label=app=demo
run docker volume inspect data

step "A data-packed volume container: an image with VOLUME /var/www, docker create, then --volumes-from"
run docker import --change 'VOLUME /var/www' --change 'CMD ["sh"]' "$bbdir/bb.tar" datapacked
run docker create --name vc_data datapacked
run docker run -d --volumes-from vc_data --name vweb busybox httpd -f -p 80 -h /var/www
run docker exec vweb cat /var/www/index.html
run docker inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}} rw={{.RW}} {{.Source}}{{println}}{{end}}' vweb
anon=$(docker inspect -f '{{range .Mounts}}{{.Name}}{{end}}' vc_data)
echo "removing the volume in use gives docker's 409:"
run docker volume rm "$anon" || true

step "The classic backup recipe: tar the volume container's data into a bind-mounted host directory, restore it"
run docker run --rm --volumes-from vc_data -v "$bbdir/backup:/backup" busybox tar cvf /backup/data.tar /var/www
run ls -l "$bbdir/backup"
run docker create --name vc_restored -v /var/www busybox true
run docker run --rm --volumes-from vc_restored -v "$bbdir/backup:/backup" busybox sh -c 'cd / && tar xvf /backup/data.tar'
run docker run --rm --volumes-from vc_restored busybox cat /var/www/index.html

step "berth volume migrate lab1:data -> lab2 (agent to agent over TLS, checked by SHA-256), then backup and restore"
run docker run --rm -v data:/data busybox sh -c 'head -c 20000000 /dev/urandom > /data/blob; ln -s greeting /data/link'
sums='cd /data && find . | sort && find . -type f | sort | xargs sha256sum'
docker run --rm -v data:/data busybox sh -c "$sums" > "$bbdir/lab1.sums"
run "$BERTH" volume migrate -v lab1:data lab2
run "$BERTH" volume backup lab2:data "$bbdir/data.tar"
run "$BERTH" volume restore "$bbdir/data.tar" lab3:restored
(eval "$("$BERTH" env lab2)"; docker import -c 'CMD ["sh"]' "$bbdir/bb.tar" busybox >/dev/null;
 docker run --rm -v data:/data busybox sh -c "$sums") > "$bbdir/lab2.sums"
(eval "$("$BERTH" env lab3)"; docker import -c 'CMD ["sh"]' "$bbdir/bb.tar" busybox >/dev/null;
 docker run --rm -v restored:/data busybox sh -c "$sums") > "$bbdir/lab3.sums"
if cmp -s "$bbdir/lab1.sums" "$bbdir/lab2.sums" && cmp -s "$bbdir/lab1.sums" "$bbdir/lab3.sums"; then
  echo "lab1:data, lab2:data and lab3:restored have the same files and checksums"
else
  echo "checksums differ"; diff "$bbdir/lab1.sums" "$bbdir/lab3.sums"; exit 1
fi
echo "a restore over a volume that holds data needs --force:"
run "$BERTH" volume restore "$bbdir/data.tar" lab3:restored || true
run docker rm -f vweb vc_data vc_restored
run docker volume prune -f
