#!/usr/bin/env bash
# A Linux host made without Berth's lab driver, for testing the generic driver:
# a network namespace on a point-to-point veth, its own hostname and private mounts, and an OpenSSH sshd.
#   handmade-host.sh up   NAME DIR ROOT_IP NS_IP PUBKEY   -> prints the sshd pid
#   handmade-host.sh down NAME DIR
set -euo pipefail
cmd=$1 name=$2 dir=$3
ns="$name"
veth="hm$(printf '%s' "$name" | cksum | cut -c1-8)"
case "$cmd" in
up)
  root_ip=$4 ns_ip=$5 pubkey=$6
  mkdir -p "$dir"/{bin,etc-berth,var-lib-berth,systemd}
  echo "$name" > "$dir/hostname"
  cp "$pubkey" "$dir/authorized_keys"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" <<<y >/dev/null 2>&1 || true
  cat > "$dir/sshd_config" <<CFG
ListenAddress $ns_ip
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
Subsystem sftp internal-sftp
CFG
  cat > "$dir/boot.sh" <<BOOT
set -e
mount -t tmpfs tmpfs /run && mkdir -p /run/sshd
mount --bind $dir/bin /usr/local/bin
mount --bind $dir/etc-berth /etc/berth 2>/dev/null || { mkdir -p /etc/berth; mount --bind $dir/etc-berth /etc/berth; }
mkdir -p /var/lib/berth && mount --bind $dir/var-lib-berth /var/lib/berth
mount --bind $dir/systemd /etc/systemd/system
mount --bind $dir/hostname /etc/hostname
hostname $name
exec /usr/sbin/sshd -D -f $dir/sshd_config -E $dir/sshd.log
BOOT
  ip netns add "$ns"
  ip link add "$veth" type veth peer name "${veth}p"
  ip link set "${veth}p" netns "$ns"
  ip addr add "$root_ip/30" dev "$veth"
  ip link set "$veth" up
  ip netns exec "$ns" ip link set "${veth}p" name eth0
  ip netns exec "$ns" ip addr add "$ns_ip/30" dev eth0
  ip netns exec "$ns" ip link set eth0 up
  ip netns exec "$ns" ip link set lo up
  setsid ip netns exec "$ns" unshare --mount --uts --propagation private /bin/sh "$dir/boot.sh" \
    </dev/null >"$dir/boot.log" 2>&1 &
  echo $!
  ;;
down)
  if [ -e "/run/netns/$ns" ]; then
    for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns"
  fi
  ip link del "$veth" 2>/dev/null || true
  for _ in $(seq 50); do [ -e "/sys/class/net/$veth" ] || break; sleep 0.1; done
  rm -rf "$dir"
  ;;
esac
