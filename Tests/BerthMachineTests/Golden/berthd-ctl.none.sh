#!/bin/sh
# berthd-ctl: start | stop | restart | kill | status for the Berth agent.
# Rendered by berth for init system "none"; berth rewrites it on every provision.
set -u
action=${1:-status}
run=/run/berth
launcher_pid() { [ -s "$run/launcher.pid" ] && pid=$(cat "$run/launcher.pid") && kill -0 "$pid" 2>/dev/null && echo "$pid"; }
agent_pid() { [ -s "$run/berthd.pid" ] && pid=$(cat "$run/berthd.pid") && kill -0 "$pid" 2>/dev/null && echo "$pid"; }
start() {
  [ -n "$(launcher_pid)" ] && return 0
  mkdir -p "$run" && chmod 700 "$run"
  setsid /usr/local/bin/berthd-launcher </dev/null >>/var/lib/berth/berthd.log 2>&1 &
  i=0
  # Up to 30 s: on a loaded host the launcher can take a while to write its pid.
  while [ -z "$(launcher_pid)" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  [ -n "$(launcher_pid)" ] || { echo "berthd-launcher did not start; see /var/lib/berth/berthd.log" >&2; exit 1; }
}
stop() {
  lp=$(launcher_pid) || true
  [ -n "$lp" ] && kill -TERM "$lp"
  i=0
  while [ -n "$(launcher_pid)$(agent_pid)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  ap=$(agent_pid) && kill -KILL "$ap" 2>/dev/null
  rm -f "$run/launcher.pid" "$run/berthd.pid"
  return 0
}
case "$action" in
  start)   start ;;
  stop)    stop ;;
  restart) stop; start ;;
  kill)
    lp=$(launcher_pid) && kill -KILL "$lp"
    ap=$(agent_pid) && kill -KILL "$ap"
    rm -f "$run/launcher.pid" "$run/berthd.pid"; exit 0 ;;
  status)  [ -n "$(launcher_pid)" ] && echo running || { echo stopped; exit 3; } ;;
  *)       echo "usage: berthd-ctl start|stop|restart|kill|status" >&2; exit 2 ;;
esac
