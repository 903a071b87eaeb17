# bench section: scp, berth vs OpenSSH (issue 4). Sourced by bench.sh.
echo "== scp: the same 256 MiB file, berth scp vs OpenSSH scp / scp -3, same hosts and keys (best of ${SCP_ROUNDS:-3})"
R=${SCP_ROUNDS:-3}
scpdir=$(mktemp -d /tmp/berth-bench-scp.XXXXXX)
on_exit 'rm -rf "$scpdir"' 
head -c 256M /dev/urandom > "$scpdir/f256"
bytes=$(stat -c %s "$scpdir/f256")
ip2=$("$BERTH" ip b2)
key2=$BERTH_STORAGE_PATH/machines/b2/id_ed25519
kh2=$BERTH_STORAGE_PATH/machines/b2/known_hosts
ossh=(-o IdentitiesOnly=yes -o StrictHostKeyChecking=yes)
row "what (MB/s)" "berth" "openssh" "ratio"
b=$(best "$BERTH" scp -q "$scpdir/f256" b1:/tmp/bench-scp-b)
o=$(best scp -q -i "$key" -o UserKnownHostsFile="$kh" "${ossh[@]}" "$scpdir/f256" root@"$ip":/tmp/bench-scp-o)
row "scp 256 MiB local -> host (vs scp)" "$(mbs "$bytes" "$b")" "$(mbs "$bytes" "$o")" "$(ratio "$o" "$b")"
b=$(best "$BERTH" scp -q b1:/tmp/bench-scp-b b2:/tmp/bench-scp-bh)
o=$(best scp -3 -q -i "$key" -i "$key2" -o UserKnownHostsFile="$kh $kh2" "${ossh[@]}" \
    root@"$ip":/tmp/bench-scp-o root@"$ip2":/tmp/bench-scp-oh)
row "scp 256 MiB host -> host (vs scp -3)" "$(mbs "$bytes" "$b")" "$(mbs "$bytes" "$o")" "$(ratio "$o" "$b")"
b=$(best "$BERTH" scp -q b1:/tmp/bench-scp-b "$scpdir/back-b")
o=$(best scp -q -i "$key" -o UserKnownHostsFile="$kh" "${ossh[@]}" root@"$ip":/tmp/bench-scp-o "$scpdir/back-o")
row "scp 256 MiB host -> local (vs scp)" "$(mbs "$bytes" "$b")" "$(mbs "$bytes" "$o")" "$(ratio "$o" "$b")"
cmp -s "$scpdir/f256" "$scpdir/back-b" || { echo "berth scp: round trip differs" >&2; exit 1; }
echo "(ratio = berth throughput / OpenSSH throughput; berth goes through the agents' data plane, host to host agent"
echo " to agent, and verifies every file's SHA-256 before renaming it into place)"

# The data plane against berth's own SSH path (--ssh), and CPU seconds per GiB at each end (cpu_run, bench.sh).
head -c 1G /dev/urandom > "$scpdir/f1g"
gib=$(stat -c %s "$scpdir/f1g")
printf '%-44s %10s %10s %8s   %s\n' "what, 1 GiB (MB/s)" "plane" "--ssh" "ratio" "CPU s/GiB: here, agents (plane | --ssh)"
for dir in up across down; do
  case $dir in
    up) what="local -> host"; m=(b1); args=(scp -q "$scpdir/f1g" b1:/tmp/bench-scp-g) ;;
    across) what="host -> host"; m=(b1 b2); args=(scp -q b1:/tmp/bench-scp-g b2:/tmp/bench-scp-gh) ;;
    down) what="host -> local"; m=(b1); args=(scp -q b1:/tmp/bench-scp-g "$scpdir/back-g") ;;
  esac
  read -r pms pl pa pb <<<"$(cpu_run "${m[@]}" -- "${args[@]}")"
  read -r sms sl sa sb <<<"$(BERTH_SCP_SSH=1 cpu_run "${m[@]}" -- "${args[@]}")"
  printf '%-44s %10s %10s %8s   %s\n' "scp 1 GiB $what" "$(mbs "$gib" "$pms")" "$(mbs "$gib" "$sms")" \
    "$(ratio "$sms" "$pms")" "$pl, $pa${pb:+ $pb} | $sl, $sa${sb:+ $sb}"
done
cmp -s "$scpdir/f1g" "$scpdir/back-g" || { echo "berth scp: 1 GiB round trip differs" >&2; exit 1; }
rm -f "$scpdir/f1g" "$scpdir/back-g"
"$BERTH" ssh b1 rm -f /tmp/bench-scp-g; "$BERTH" ssh b2 rm -f /tmp/bench-scp-gh
echo "(ratio = data plane throughput / --ssh throughput)"
# The same with one connection per host (BERTH_SCP_LANES=1), against the default lanes: what the lanes bring.
row "what (MB/s)" "lanes" "one conn." "ratio"
l=$(best "$BERTH" scp -q "$scpdir/f256" b1:/tmp/bench-scp-b)
one=$(BERTH_SCP_LANES=1 best "$BERTH" scp -q "$scpdir/f256" b1:/tmp/bench-scp-b)
row "scp 256 MiB local -> host, lanes vs one" "$(mbs "$bytes" "$l")" "$(mbs "$bytes" "$one")" "$(ratio "$one" "$l")"
l=$(best "$BERTH" scp -q b1:/tmp/bench-scp-b b2:/tmp/bench-scp-bh)
one=$(BERTH_SCP_LANES=1 best "$BERTH" scp -q b1:/tmp/bench-scp-b b2:/tmp/bench-scp-bh)
row "scp 256 MiB host -> host, lanes vs one" "$(mbs "$bytes" "$l")" "$(mbs "$bytes" "$one")" "$(ratio "$one" "$l")"
echo "(ratio = berth throughput / OpenSSH throughput; berth also verifies every file's SHA-256 before renaming it into place)"
# What bounds the copies: the SSH transport itself. The same 256 MiB through `ssh HOST 'cat > /dev/null'`, wall
# time and the client's CPU (user+sys), berth ssh (libssh2 1.10: aes128-ctr + hmac-sha2-256, one libcrypto call
# per 16-byte block) against OpenSSH's ssh with its default cipher and with the very same aes128-ctr + hmac-sha2-256.
cpu_of() { local TIMEFORMAT='%3R %3U %3S'; { time "$@" < "$scpdir/f256" >/dev/null 2>&1; } 2>&1 | tail -1; }
read -r bw bu bs <<<"$(cpu_of "$BERTH" ssh b1 'cat > /dev/null')"
read -r ow ou os <<<"$(cpu_of ssh -i "$key" -o UserKnownHostsFile="$kh" "${ossh[@]}" root@"$ip" 'cat > /dev/null')"
read -r cw cu cs <<<"$(cpu_of ssh -c aes128-ctr -m hmac-sha2-256 -i "$key" -o UserKnownHostsFile="$kh" "${ossh[@]}" root@"$ip" 'cat > /dev/null')"
cpu() { python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.2f}')" "$1" "$2"; }
row "what (seconds)" "berth" "openssh" "ratio"
row "ssh 256 MiB into cat, wall" "$bw" "$ow" "$(ratio "$ow" "$bw")"
row "ssh 256 MiB into cat, client CPU" "$(cpu "$bu" "$bs")" "$(cpu "$ou" "$os")" "$(ratio "$(cpu "$ou" "$os")" "$(cpu "$bu" "$bs")")"
row "  OpenSSH with berth's aes128-ctr+hmac-sha256" "$(cpu "$bu" "$bs")" "$(cpu "$cu" "$cs")" "$(ratio "$(cpu "$cu" "$cs")" "$(cpu "$bu" "$bs")")"
echo "(ratio = OpenSSH time / berth time: below 1, berth needs more)"
