#!/bin/sh
# Builds a `docker load` archive of two layers: BASE.tar (e.g. from busybox-rootfs.sh) and a layer that deletes
# /etc/group (a `.wh.` whiteout), makes /var/www opaque (index.html hidden, new.html added) and adds /tmp/added.
# Usage: whiteout-image.sh BASE.tar TAG OUT.tar
set -eu
base=${1:?usage: whiteout-image.sh BASE.tar TAG OUT.tar}
tag=${2:?usage: whiteout-image.sh BASE.tar TAG OUT.tar}
out=${3:?usage: whiteout-image.sh BASE.tar TAG OUT.tar}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/top/etc" "$dir/top/var/www" "$dir/top/tmp" "$dir/image"
: > "$dir/top/etc/.wh.group"
: > "$dir/top/var/www/.wh..wh..opq"
echo new > "$dir/top/var/www/new.html"
echo added > "$dir/top/tmp/added"
chmod 1777 "$dir/top/tmp"
cp "$base" "$dir/image/base.tar"
tar --numeric-owner --owner=0 --group=0 -C "$dir/top" -cf "$dir/image/top.tar" .
a=$(sha256sum "$dir/image/base.tar" | cut -d' ' -f1)
b=$(sha256sum "$dir/image/top.tar" | cut -d' ' -f1)
cat > "$dir/image/config.json" <<J
{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:$a","sha256:$b"]}}
J
cat > "$dir/image/manifest.json" <<J
[{"Config":"config.json","RepoTags":["$tag"],"Layers":["base.tar","top.tar"]}]
J
tar -C "$dir/image" -cf "$out" manifest.json config.json base.tar top.tar
