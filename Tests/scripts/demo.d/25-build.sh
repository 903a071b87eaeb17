# demo section: docker build (legacy builder), history, save/load and cp (issues 5 and 6). Needs `busybox` (20-containers).
step "docker build: a data-packed image (ADD a directory, VOLUME), through the legacy builder"
bdir=$(mktemp -d /tmp/berth-demo-build.XXXXXX)
on_exit 'rm -rf "$bdir"'
# Docker Hub's busybox runs `sh` by default; an image without a command cannot be `docker create`d.
if [ "$(docker image inspect -f '{{json .Config.Cmd}}' busybox 2>/dev/null)" != '["sh"]' ]; then
  bash "$(dirname "$0")/busybox-rootfs.sh" "$bdir/bb.tar"
  run docker import -c 'CMD ["sh"]' "$bdir/bb.tar" busybox
fi
mkdir -p "$bdir/datapacked/htdocs"
echo '<h1>packed into an image</h1>' > "$bdir/datapacked/htdocs/index.html"
cat > "$bdir/datapacked/Dockerfile" <<'D'
FROM busybox
ADD htdocs /usr/local/apache2/htdocs
VOLUME /usr/local/apache2/htdocs
D
run cat "$bdir/datapacked/Dockerfile"
run env DOCKER_BUILDKIT=0 docker build -t datapacked "$bdir/datapacked"
run docker image inspect -f '{{json .Config.Volumes}}' datapacked
run docker run --rm datapacked cat /usr/local/apache2/htdocs/index.html

step "docker build: RUN, ENV, ARG, WORKDIR, USER, CMD; then docker history"
mkdir -p "$bdir/multi"
cat > "$bdir/multi/Dockerfile" <<'D'
FROM busybox
ARG GREETING=hello
ENV APP=/app
WORKDIR $APP
RUN echo "$GREETING from a RUN step" > greeting.txt && rm /etc/group
USER 1000:1000
CMD ["sh", "-c", "cat greeting.txt; id -u; pwd; ls /etc/group 2>&1 || true"]
D
run env DOCKER_BUILDKIT=0 docker build --build-arg GREETING=hi -t multi "$bdir/multi"
run docker run --rm multi
run docker history multi

step "docker build: a multi-stage Dockerfile (COPY --from a stage, --target), then docker images --filter"
mkdir -p "$bdir/stages"
cat > "$bdir/stages/Dockerfile" <<'D'
FROM busybox AS tools
RUN echo "made in the tools stage" > /tmp/made
FROM busybox
COPY --from=tools /tmp/made /made
CMD ["cat", "/made"]
D
run env DOCKER_BUILDKIT=0 docker build -q -t staged "$bdir/stages"
run docker run --rm staged
run env DOCKER_BUILDKIT=0 docker build -q --target tools -t staged:tools "$bdir/stages"
run docker images --filter reference='staged:*' --format '{{.Repository}}:{{.Tag}} {{.ID}}'
run docker rmi staged staged:tools

step "docker save, rmi, load: the same image IDs come back, deleted files stay deleted (whiteouts)"
run docker image inspect -f '{{.Id}}' multi
run docker save -o "$bdir/images.tar" multi datapacked
run tar -tf "$bdir/images.tar"
run docker rmi multi datapacked
run docker load -i "$bdir/images.tar"
run docker image inspect -f '{{.Id}}' multi
run docker run --rm multi

step "docker cp: out of a stopped container, into it, and into a running one"
run docker create --name vc_data datapacked
on_exit 'docker rm -f vc_data live'
run docker cp vc_data:/usr/local/apache2/htdocs "$bdir/copied"
run ls -l "$bdir/copied"
echo 'copied in' > "$bdir/in.txt"
run docker run -d --name live busybox sleep 60
run docker cp "$bdir/in.txt" live:/tmp/in.txt
run docker exec live cat /tmp/in.txt
run docker rm -f vc_data live
