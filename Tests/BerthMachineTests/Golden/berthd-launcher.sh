#!/bin/sh
# berthd-launcher: keeps the Berth agent running where systemd is not PID 1.
# Restarts berthd when it exits; stops it and itself on SIGTERM. Rendered by berth.
run=/run/berth
export 'HTTP_PROXY=http://proxy:3128'
echo $$ > "$run/launcher.pid"
stopping=0
child=
trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM INT
while [ "$stopping" = 0 ]; do
  /usr/local/bin/berthd --config /etc/berth/berthd.json &
  child=$!
  echo "$child" > "$run/berthd.pid"
  wait "$child"; status=$?
  # A trapped signal interrupts wait: wait again for the agent to finish its shutdown.
  while kill -0 "$child" 2>/dev/null; do wait "$child"; done
  [ "$stopping" = 1 ] && break
  echo "berthd-launcher: berthd exited with status $status, restarting in 1s" >&2
  sleep 1
done
rm -f "$run/berthd.pid" "$run/launcher.pid"
