# bench section: migrate a 1 GiB volume between two lab hosts (issue 6), berth volume migrate vs the peer recipe
# (tar over OpenSSH from one host, piped through this machine into tar over OpenSSH on the other). Sourced by bench.sh.
echo "== volume migrate: 1 GiB volume b1 -> b2, berth volume migrate (agent to agent, and --ssh) vs ssh tar | ssh tar (best of ${VOL_ROUNDS:-2})"
VR=${VOL_ROUNDS:-2}
vdir=$(mktemp -d /tmp/berth-bench-vol.XXXXXX)
on_exit 'rm -rf "$vdir"'
if ! docker image inspect busybox >/dev/null 2>&1; then
  bash "$(dirname "$0")/busybox-rootfs.sh" "$vdir/bb.tar"
  docker import -c 'CMD ["sh"]' "$vdir/bb.tar" busybox >/dev/null
fi
docker volume create benchvol >/dev/null
mp=$(docker volume inspect -f '{{.Mountpoint}}' benchvol)
"$BERTH" ssh b1 "head -c 1G /dev/urandom > $mp/blob && mkdir -p $mp/tree && for i in \$(seq 200); do head -c 4096 /dev/urandom > $mp/tree/f\$i; done"
vbytes=$("$BERTH" ssh b1 "du -sb $mp | cut -f1")
ipb1=$("$BERTH" ip b1); ipb2=$("$BERTH" ip b2)
kb1=$BERTH_STORAGE_PATH/machines/b1/id_ed25519; khb1=$BERTH_STORAGE_PATH/machines/b1/known_hosts
kb2=$BERTH_STORAGE_PATH/machines/b2/id_ed25519; khb2=$BERTH_STORAGE_PATH/machines/b2/known_hosts
vssh() { local k=$1 kh=$2 ip=$3; shift 3; ssh -q -i "$k" -o UserKnownHostsFile="$kh" -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes root@"$ip" "$@"; }
peer_migrate() {
  vssh "$kb1" "$khb1" "$ipb1" "tar --numeric-owner -cpf - -C $mp ." |
    vssh "$kb2" "$khb2" "$ipb2" "rm -rf /tmp/bench-vol-peer && mkdir -p /tmp/bench-vol-peer && tar --numeric-owner -xpf - -C /tmp/bench-vol-peer"
}
berth_migrate() {
  (eval "$("$BERTH" env b2)"; docker volume rm -f benchvol-b >/dev/null 2>&1) || true
  "$BERTH" volume migrate -q "$@" b1:benchvol b2:benchvol-b
}
berth_migrate_ssh() { berth_migrate --ssh; }
on_exit '"$BERTH" ssh b2 "rm -rf /tmp/bench-vol-peer"'
# best: the helper of bench.sh (shortest of R runs, in ms).
b=$(R=$VR best berth_migrate)
bs=$(R=$VR best berth_migrate_ssh)
o=$(R=$VR best peer_migrate)
row "what (ms)" "berth" "peer" "ratio"
row "migrate 1 GiB volume host -> host" "$b" "$o" "$(ratio "$b" "$o")"
row "  the same with --ssh" "$bs" "$o" "$(ratio "$bs" "$o")"
# CPU seconds per GiB at each end (one more run of each): this machine, b1's agent, b2's agent.
(eval "$("$BERTH" env b2)"; docker volume rm -f benchvol-b >/dev/null 2>&1) || true
read -r _ pl pa pb <<<"$(cpu_run b1 b2 -- volume migrate -q b1:benchvol b2:benchvol-b)"
(eval "$("$BERTH" env b2)"; docker volume rm -f benchvol-b >/dev/null 2>&1) || true
read -r _ sl sa sb <<<"$(cpu_run b1 b2 -- volume migrate -q --ssh b1:benchvol b2:benchvol-b)"
echo "CPU s/GiB, here, b1, b2: agent to agent $pl, $pa, $pb | --ssh $sl, $sa, $sb"
echo "(berth: $((vbytes / 1024 / 1024)) MiB in $b ms = $(python3 -c "print(f'{$vbytes/1e6/($b/1e3):.0f}')") MB/s, SHA-256 checked on both ends, target created only after the check; ratio = berth time / peer time)"
docker volume rm benchvol >/dev/null
