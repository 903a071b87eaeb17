#!/bin/sh
# berth-etcd-launcher: keeps the cluster store's etcd member running where systemd is not PID 1.
# Restarts etcd when it exits; stops it and itself on SIGTERM. Rendered by berth.
run=/run/berth
echo $$ > "$run/etcd-launcher.pid"
stopping=0
child=
trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ "$stopping" = 0 ]; do
  /usr/bin/etcd --config-file /etc/berth/etcd/etcd.conf.yml &
  child=$!
  echo "$child" > "$run/etcd.pid"
  wait "$child"; status=$?
  # A trapped signal interrupts wait: wait again for etcd to finish its shutdown.
  while kill -0 "$child" 2>/dev/null; do wait "$child"; done
  [ "$stopping" = 1 ] && break
  echo "berth-etcd-launcher: etcd exited with status $status, restarting in 1s" >&2
  sleep 1
done
rm -f "$run/etcd.pid" "$run/etcd-launcher.pid"
