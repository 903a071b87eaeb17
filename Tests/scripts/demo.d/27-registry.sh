# demo section: images from a registry (issue 18). Debian's registry (distribution 2.8) runs on lab3 with TLS from a
# throw-away CA and htpasswd auth; lab1 logs in and pushes, lab2 pulls (with the CLI's per-layer bars) and runs.
step "A registry on lab3 (Debian's docker-registry, TLS with its own CA, htpasswd auth); every host trusts its CA"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
regdir=$(mktemp -d /tmp/berth-demo-registry.XXXXXX)
rmdir "$regdir"
regcfg=$(mktemp -d /tmp/berth-demo-dockercfg.XXXXXX)
on_exit "BERTH=$BERTH bash $here/lab-registry.sh stop lab3 $regdir; rm -rf $regcfg"
reg=$(BERTH=$BERTH bash "$here/lab-registry.sh" start lab3 "$regdir" --tls --auth demo:demo-pass)
for h in lab1 lab2 lab3; do BERTH=$BERTH bash "$here/lab-registry.sh" trust $h "$regdir" "$reg"; done
echo "registry at https://$reg (CA in /etc/berth/certs.d/$reg/ca.crt on each host)"
export DOCKER_CONFIG=$regcfg

step "docker login, tag and push from lab1 (a wrong password first)"
eval "$("$BERTH" env lab1)"
printf 'wrong\n' | docker login "$reg" -u demo --password-stdin || echo "(refused, as it should be)"
run sh -c "printf 'demo-pass\n' | docker login $reg -u demo --password-stdin"
mkdir -p "$regdir-app"
on_exit "rm -rf $regdir-app"
printf 'FROM busybox\nRUN head -c 24000000 /dev/urandom > /payload && echo pulled-from-lab3 > /hello\nCMD ["cat", "/hello"]\n' \
  > "$regdir-app/Dockerfile"
run env DOCKER_BUILDKIT=0 docker build -q -t "$reg/demo/app:1" "$regdir-app"
run docker push "$reg/demo/app:1"
step "Pushed again: the registry has every layer"
run docker push "$reg/demo/app:1"

step "docker pull on lab2, on a terminal: the CLI draws its usual bars"
eval "$("$BERTH" env lab2)"
python3 "$here/ptyrun.py" --wait 0 --timeout 120 --cols 100 -- docker pull "$reg/demo/app:1" </dev/null
run docker images --digests "$reg/demo/app"
run docker run --rm "$reg/demo/app:1"

step "docker run of an image lab1 does not have pulls it first (tagged and pushed from lab2)"
run docker tag "$reg/demo/app:1" "$reg/demo/app:2"
run docker push "$reg/demo/app:2"
eval "$("$BERTH" env lab1)"
run docker rmi "$reg/demo/app:1"
run docker run --rm "$reg/demo/app:2"

step "Faults, each one line: an unknown tag, no credentials, a registry whose CA nobody trusts"
run docker pull "$reg/demo/app:nosuch" || true
DOCKER_CONFIG=$regcfg/none docker pull "$reg/demo/app:1" || true
untrusted=$(mktemp -d /tmp/berth-demo-registry2.XXXXXX); rmdir "$untrusted"
on_exit "BERTH=$BERTH bash $here/lab-registry.sh stop lab3 $untrusted"
reg2=$(BERTH=$BERTH bash "$here/lab-registry.sh" start lab3 "$untrusted" --tls --port 5001)
docker pull "$reg2/demo/app:1" || true
unset DOCKER_CONFIG
