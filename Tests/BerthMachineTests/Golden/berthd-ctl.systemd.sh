#!/bin/sh
# berthd-ctl: start | stop | restart | kill | status for the Berth agent.
# Rendered by berth for init system "systemd"; berth rewrites it on every provision.
set -u
action=${1:-status}
case "$action" in
  start)   systemctl daemon-reload && systemctl enable --now berthd.service ;;
  stop)    systemctl stop berthd.service ;;
  restart) systemctl daemon-reload && systemctl restart berthd.service ;;
  kill)    systemctl kill -s KILL berthd.service ;;
  status)  systemctl is-active --quiet berthd.service && echo running || { echo stopped; exit 3; } ;;
  *)       echo "usage: berthd-ctl start|stop|restart|kill|status" >&2; exit 2 ;;
esac
