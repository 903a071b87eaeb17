# demo section: issue 19's cluster file. The study notes' lab (3 hosts, etcd, overlay, flannel, a data-packed volume
# container served across hosts) from examples/lab.yml into a store of its own, applied twice, drawn, destroyed.
step "The whole lab from one file: berth apply -f examples/lab.yml (a store of its own)"
repo=$(cd "$(dirname "$0")/.." && cd .. && pwd)
applystore=$(mktemp -d /tmp/berth-demo-apply.XXXXXX)
applytar=$(mktemp /tmp/berth-demo-apply-bb.XXXXXX)
applysvg=$(mktemp /tmp/berth-demo-topology.XXXXXX.svg)
on_exit 'BERTH_STORAGE_PATH='"$applystore"' "$BERTH" destroy -f '"$repo"'/examples/lab.yml; rm -rf '"$applystore $applytar $applysvg"
bash "$repo/Tests/scripts/busybox-rootfs.sh" "$applytar"
(
  export BERTH_STORAGE_PATH=$applystore BUSYBOX_TAR=$applytar LAB_NETWORK=bapply LAB_SUBNET=10.213.91.0/24
  run cat "$repo/examples/lab.yml"
  run "$BERTH" apply -f "$repo/examples/lab.yml" --dry-run
  run "$BERTH" apply -f "$repo/examples/lab.yml"
  step "Applied again: nothing changes"
  run "$BERTH" apply -f "$repo/examples/lab.yml"
  step "The site on lab1, fetched by name over the overlay from lab2"
  eval "$("$BERTH" env lab2)"
  run docker run --rm --network ov1 busybox wget -qO- http://web/
  step "berth topology: a tree, and an SVG a browser shows as it is"
  run "$BERTH" topology -f "$repo/examples/lab.yml"
  run "$BERTH" topology -f "$repo/examples/lab.yml" --svg "$applysvg" >/dev/null
  echo "wrote $applysvg ($(wc -c < "$applysvg") bytes)"
  step "berth destroy -f examples/lab.yml: what the file made goes"
  run "$BERTH" destroy -f "$repo/examples/lab.yml"
  run "$BERTH" ls
)
