# bench section: container start, berthd vs Debian's docker.io dockerd (issue 5). Sourced by bench.sh.
# Both engines run on lab host b1, get the same busybox rootfs by `docker import`, and are driven by the same
# stock docker CLI; the peer dockerd is started here (from extracted .debs, never installed) and stopped by pid.
CR=${CTR_ROUNDS:-15}
echo "== containers: docker run --rm busybox true, berthd vs dockerd (Debian docker.io), median of $CR"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peer=$("$here/peer-dockerd.sh" fetch)
ctr=$(mktemp -d /tmp/bdk.XXXXXX)
"$here/busybox-rootfs.sh" "$ctr/bb.tar"
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
# per-run start times of `docker run --rm busybox true` (ms), median; `docker` env decides the engine
startup() {
  docker run --rm busybox true >/dev/null  # warm: first run pays for page cache and layer mounts
  for _ in $(seq "$CR"); do
    t0=$(now); docker run --rm busybox true >/dev/null || { echo "docker run failed" >&2; return 1; }; t1=$(now)
    ms "$t0" "$t1"
  done | median
}
docker import "$ctr/bb.tar" busybox >/dev/null
b=$(startup)

# The peer: dockerd in b1's namespaces, own data/exec roots and socket, no iptables, no bridge.
on_exit "$BERTH ssh b1 'p=\$(cat $ctr/dockerd.pid 2>/dev/null) && kill \$p; for i in \$(seq 100); do kill -0 \$p 2>/dev/null || break; sleep 0.1; done; rm -rf $ctr'; rm -rf $ctr"
"$BERTH" ssh b1 "PATH=$peer/usr/sbin:$peer/usr/bin:\$PATH setsid $peer/usr/sbin/dockerd --data-root $ctr/data \
  --exec-root $ctr/x -H unix://$ctr/d.sock --pidfile $ctr/dockerd.pid --iptables=false --ip-masq=false \
  --bridge=none --storage-driver=overlay2 </dev/null >$ctr/dockerd.log 2>&1 &"
for _ in $(seq 150); do DOCKER_HOST=unix://$ctr/d.sock docker version >/dev/null 2>&1 && break; sleep 0.2; done
dv=$(DOCKER_HOST=unix://$ctr/d.sock docker version -f '{{.Server.Version}}' 2>/dev/null) \
  || { echo "peer dockerd did not start; log:" >&2; tail -20 "$ctr/dockerd.log" >&2; exit 1; }
o=$(DOCKER_HOST=unix://$ctr/d.sock DOCKER_TLS_VERIFY= DOCKER_CERT_PATH= bash -c "
  $(declare -f now ms median startup); CR=$CR
  docker import $ctr/bb.tar busybox >/dev/null && startup")
row "what (ms, median)" "berthd" "dockerd" "ratio"
row "docker run --rm busybox true" "$b" "$o" "$(ratio "$b" "$o")"
echo "(dockerd $dv from Debian's docker.io with containerd and runc, --iptables=false --bridge=none, overlay2)"
