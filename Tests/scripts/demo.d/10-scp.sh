# demo section: berth scp (issues 4, 17), local to host and straight from host to host, over the agents' data plane.
step "Copy files: local -> lab1, then lab1 -> lab2 without touching the local disk"
scpdemo=$(mktemp -d /tmp/berth-demo-scp.XXXXXX)
on_exit 'rm -rf "$scpdemo"'
mkdir -p "$scpdemo/site/img"
echo "hello from berth" > "$scpdemo/site/index.html"
head -c 1M /dev/urandom > "$scpdemo/site/img/noise.bin"
ln -s index.html "$scpdemo/site/home.html"
run "$BERTH" scp -r "$scpdemo/site" lab1:/tmp/
run "$BERTH" scp -r lab1:/tmp/site lab2:/tmp/
run "$BERTH" ssh lab2 "ls -l /tmp/site; sha256sum /tmp/site/img/noise.bin"
sha256sum "$scpdemo/site/img/noise.bin"
step "A large file: through the agents over several TLS connections, lab1 pushing straight to lab2; then over SSH"
head -c 96M /dev/urandom > "$scpdemo/big.bin"
on_exit 'rm -f /tmp/berth-demo-big1.bin /tmp/berth-demo-big2.bin'
run "$BERTH" scp -v "$scpdemo/big.bin" lab1:/tmp/berth-demo-big1.bin
run "$BERTH" scp -v lab1:/tmp/berth-demo-big1.bin lab2:/tmp/berth-demo-big2.bin
run "$BERTH" ssh lab2 "sha256sum /tmp/berth-demo-big2.bin"
sha256sum "$scpdemo/big.bin"
run "$BERTH" scp -v --ssh "$scpdemo/big.bin" lab1:/tmp/berth-demo-big1.bin
