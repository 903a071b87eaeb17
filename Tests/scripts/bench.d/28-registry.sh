# bench section: docker pull from a registry (issue 18), berthd vs Debian's dockerd on the same lab host. Sourced by
# bench.sh after 20-containers (which leaves the peer dockerd running on b1 at unix://$ctr/d.sock).
# Debian's registry runs inside b1 on 127.0.0.1:5000 (loopback of b1's own namespace: insecure by default for both
# engines, reachable by nobody else); both engines pull the same multi-layer image from it.
PR=${PULL_ROUNDS:-3}
BIG=${BENCH_PULL_BIG_MIB:-1024}
echo "== registry: docker pull of a 4-layer image (3 x 32 MiB random), berthd vs dockerd, median of $PR"
rgd=$(mktemp -d /tmp/berth-bench-registry.XXXXXX)
on_exit "p=\$(cat $rgd/registry.pid 2>/dev/null) && kill \$p; sleep 0.5; rm -rf $rgd"
cat > "$rgd/config.yml" <<Y
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $rgd/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:5000, secret: bench}
Y
"$BERTH" ssh b1 "setsid /usr/bin/docker-registry serve $rgd/config.yml </dev/null >$rgd/registry.log 2>&1 & echo \$! > $rgd/registry.pid"
for _ in $(seq 50); do "$BERTH" ssh b1 "curl -sf --noproxy '*' http://127.0.0.1:5000/v2/ >/dev/null" && break; sleep 0.2; done
img=127.0.0.1:5000/bench/layers:1
mkdir -p "$rgd/ctx"
printf 'FROM busybox\nRUN head -c 33554432 /dev/urandom > /a\nRUN head -c 33554432 /dev/urandom > /b\nRUN head -c 33554432 /dev/urandom > /c\n' \
  > "$rgd/ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$img" "$rgd/ctx" >/dev/null 2>&1
docker push "$img" >/dev/null
# per-pull times (ms) of `docker pull IMG` after `docker rmi IMG` (layers gone), median; `docker` env decides the engine
pulls() {
  for _ in $(seq "$PR"); do
    docker rmi -f "$1" >/dev/null 2>&1 || true
    t0=$(now); docker pull -q "$1" >/dev/null || { echo "docker pull failed" >&2; return 1; }; t1=$(now)
    ms "$t0" "$t1"
  done | median
}
docker rmi -f "$img" >/dev/null
b=$(pulls "$img")
o=$(DOCKER_HOST=unix://$ctr/d.sock DOCKER_TLS_VERIFY= DOCKER_CERT_PATH= bash -c "
  $(declare -f now ms median pulls); PR=$PR; pulls $img")
row "what (ms, median)" "berthd" "dockerd" "ratio"
row "docker pull, 4 layers, 96 MiB (from b1's loopback)" "$b" "$o" "$(ratio "$b" "$o")"

# Peak agent memory during a pull of one big layer: VmRSS sampled every 50 ms while it runs.
echo "== registry: berthd's memory while it pulls a $BIG MiB layer"
big=127.0.0.1:5000/bench/big:1
printf 'FROM busybox\nRUN head -c %d /dev/urandom > /big\n' $((BIG * 1024 * 1024)) > "$rgd/ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$big" "$rgd/ctx" >/dev/null 2>&1
docker push "$big" >/dev/null
docker rmi -f "$big" >/dev/null
apid=$("$BERTH" ssh b1 cat /run/berth/berthd.pid)
idle=$("$BERTH" ssh b1 "awk '/VmRSS/ {print \$2}' /proc/$apid/status")
"$BERTH" ssh b1 "m=0; while [ ! -e $rgd/stop ]; do r=\$(awk '/VmRSS/ {print \$2}' /proc/$apid/status); [ \$r -gt \$m ] && m=\$r; sleep 0.05; done; echo \$m > $rgd/peak" &
sampler=$!
t0=$(now); docker pull -q "$big" >/dev/null; t1=$(now)
touch "$rgd/stop"; wait $sampler
peak=$(cat "$rgd/peak")
row "what" "berthd" "" ""
row "pull of $BIG MiB: seconds" "$(python3 -c "print(f'{($t1-$t0)/1e9:.1f}')")" "" ""
row "agent RSS idle -> peak during the pull (MiB)" "$((idle / 1024)) -> $((peak / 1024))" "" ""
docker rmi -f "$big" "$img" >/dev/null 2>&1 || true
