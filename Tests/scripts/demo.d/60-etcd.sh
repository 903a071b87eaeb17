# demo section: the cluster store (issue 13): etcd on the three lab hosts, run and configured by berth. Members
# talk TLS with certificates from the store's own CA; every agent's berthd.json gains dockerd's cluster-store keys.
step "The cluster store: etcd on lab1, lab2 and lab3"
on_exit '"$BERTH" etcd rm -f'
run "$BERTH" etcd create lab1 lab2 lab3
run "$BERTH" etcd ls
run "$BERTH" etcd env
eval "$("$BERTH" etcd env)"
run etcdctl put /demo/greeting "hello from the cluster store"
run etcdctl get --prefix /
run etcdctl endpoint health
run "$BERTH" ssh lab2 "grep cluster /etc/berth/berthd.json"
echo "without a client certificate etcd refuses:"
run sh -c "curl -sk --max-time 5 https://$("$BERTH" ip lab1):2379/v3/kv/range -d '{\"key\":\"Lw==\"}' || echo refused, curl exit \$?"
# The store stays up for the overlay section; its clean-up removes it.
