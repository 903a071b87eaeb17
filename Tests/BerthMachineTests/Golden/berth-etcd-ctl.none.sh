#!/bin/sh
# berth-etcd-ctl: start | stop | restart | kill | status | pid for the cluster store's etcd member.
# Rendered by berth for init system "none"; `berth etcd rm` removes it.
set -u
action=${1:-status}
run=/run/berth
launcher_pid() { [ -s "$run/etcd-launcher.pid" ] && pid=$(cat "$run/etcd-launcher.pid") && kill -0 "$pid" 2>/dev/null && echo "$pid"; }
etcd_pid() { [ -s "$run/etcd.pid" ] && pid=$(cat "$run/etcd.pid") && kill -0 "$pid" 2>/dev/null && echo "$pid"; }
start() {
  [ -n "$(launcher_pid)" ] && return 0
  mkdir -p "$run" && chmod 700 "$run"
  setsid /usr/local/bin/berth-etcd-launcher </dev/null >>/var/lib/berth/etcd.log 2>&1 &
  i=0
  while [ -z "$(launcher_pid)" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  [ -n "$(launcher_pid)" ] || { echo "berth-etcd-launcher did not start; see /var/lib/berth/etcd.log" >&2; exit 1; }
}
stop() {
  lp=$(launcher_pid) || true
  [ -n "$lp" ] && kill -TERM "$lp"
  i=0
  while [ -n "$(launcher_pid)$(etcd_pid)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  ep=$(etcd_pid) && kill -KILL "$ep" 2>/dev/null
  rm -f "$run/etcd-launcher.pid" "$run/etcd.pid"
  return 0
}
case "$action" in
  start)   start ;;
  stop)    stop ;;
  restart) stop; start ;;
  kill)
    lp=$(launcher_pid) && kill -KILL "$lp"
    ep=$(etcd_pid) && kill -KILL "$ep"
    rm -f "$run/etcd-launcher.pid" "$run/etcd.pid"; exit 0 ;;
  status)  [ -n "$(launcher_pid)" ] && echo running || { echo stopped; exit 3; } ;;
  pid)     etcd_pid || exit 3 ;;
  *)       echo "usage: berth-etcd-ctl start|stop|restart|kill|status|pid" >&2; exit 2 ;;
esac
