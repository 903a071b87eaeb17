# bench section: docker build of a small Dockerfile (legacy builder) on berthd. Sourced by bench.sh.
echo "== docker build: FROM busybox + COPY + RUN + CMD, no cache (best of ${BUILD_ROUNDS:-3})"
bbdir=$(mktemp -d /tmp/berth-bench-build.XXXXXX)
on_exit 'rm -rf "$bbdir"; docker rmi benchbuild'
if ! docker image inspect busybox >/dev/null 2>&1; then
  bash "$(dirname "$0")/busybox-rootfs.sh" "$bbdir/bb.tar" && docker import -c 'CMD ["sh"]' "$bbdir/bb.tar" busybox >/dev/null
fi
mkdir -p "$bbdir/ctx"
head -c 1M /dev/urandom > "$bbdir/ctx/blob"
printf 'FROM busybox\nCOPY blob /data/blob\nRUN md5sum /data/blob > /data/sum\nCMD ["cat", "/data/sum"]\n' > "$bbdir/ctx/Dockerfile"
b=0
for _ in $(seq "${BUILD_ROUNDS:-3}"); do
  t0=$(now); DOCKER_BUILDKIT=0 docker build -q -t benchbuild "$bbdir/ctx" 2> >(grep -v -e DEPRECATED -e BuildKit -e "environment-variable" -e "^$" >&2) >/dev/null; t1=$(now)
  d=$(ms "$t0" "$t1"); if [ "$b" -eq 0 ] || [ "$d" -lt "$b" ]; then b=$d; fi
done
row "what" "berth ms" "peer" "ratio"
row "docker build (4 steps, 1 MiB COPY, 1 RUN)" "$b" "n/a" "n/a"
