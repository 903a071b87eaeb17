#!/bin/sh
# berth-etcd-ctl: start | stop | restart | kill | status | pid for the cluster store's etcd member.
# Rendered by berth for init system "systemd"; `berth etcd rm` removes it.
set -u
action=${1:-status}
case "$action" in
  start)   systemctl daemon-reload && systemctl enable --now berth-etcd.service ;;
  stop)    systemctl stop berth-etcd.service ;;
  restart) systemctl daemon-reload && systemctl restart berth-etcd.service ;;
  kill)    systemctl kill -s KILL berth-etcd.service ;;
  status)  systemctl is-active --quiet berth-etcd.service && echo running || { echo stopped; exit 3; } ;;
  pid)     p=$(systemctl show -p MainPID --value berth-etcd.service) && [ "$p" != 0 ] && echo "$p" || exit 3 ;;
  *)       echo "usage: berth-etcd-ctl start|stop|restart|kill|status|pid" >&2; exit 2 ;;
esac
