# demo section: issue 6's data-packed volume container end to end, now that networks exist: docker build of an image
# whose VOLUME holds a site, docker create of the volume container, httpd serving it through --volumes-from on a user
# network, and the page fetched with wget from another container by name.
step "The data-packed volume container, served over a user network"
site=$(mktemp -d /tmp/berth-demo-site.XXXXXX)
on_exit 'rm -rf "$site"; docker rm -f sitedemo-web sitedemo-vc >/dev/null 2>&1; docker network rm sitedemo >/dev/null 2>&1'
mkdir -p "$site/htdocs"
echo '<h1>packed into a volume container</h1>' > "$site/htdocs/index.html"
printf 'FROM busybox\nADD htdocs /usr/local/apache2/htdocs\nVOLUME /usr/local/apache2/htdocs\n' > "$site/Dockerfile"
run cat "$site/Dockerfile"
run env DOCKER_BUILDKIT=0 docker build -q -t sitedemo "$site"
run docker create --name sitedemo-vc sitedemo
run docker network create sitedemo
run docker run -d --volumes-from sitedemo-vc --name sitedemo-web --network sitedemo busybox \
  httpd -f -p 80 -h /usr/local/apache2/htdocs
run docker run --rm --network sitedemo busybox wget -qO- http://sitedemo-web/
run docker rm -f sitedemo-web sitedemo-vc
run docker network rm sitedemo
