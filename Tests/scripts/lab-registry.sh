#!/usr/bin/env bash
# A test registry inside a lab host: Debian's docker-registry (distribution 2.8), for integration tests and the demo.
#
#   lab-registry.sh start MACHINE DIR [--tls] [--auth USER:PASSWORD] [--port N]   prints IP:PORT, nothing else
#   lab-registry.sh stop  MACHINE DIR                                             kills it, removes DIR
#   lab-registry.sh trust MACHINE DIR ADDRESS      MACHINE trusts DIR/ca.crt for ADDRESS (/etc/berth/certs.d)
#
# The caller sets BERTH (the berth binary) and BERTH_STORAGE_PATH (the store holding MACHINE). DIR is a directory on
# this machine; lab hosts share this machine's filesystem apart from a few private bind mounts, so the registry,
# started over `berth ssh`, reads its config from DIR and keeps its blobs in DIR/data. It binds only MACHINE's lab
# address (never 0.0.0.0), so nothing outside the lab can reach it. --tls makes a throw-away CA (DIR/ca.crt,
# valid 2 days) and a server certificate for the IP; --auth adds htpasswd basic auth (realm berth-registry).
# Everything lives in DIR; `stop` kills only the pid in DIR/registry.pid and removes DIR.
set -euo pipefail
BERTH=${BERTH:?set BERTH to the berth binary}
: "${BERTH_STORAGE_PATH:?set BERTH_STORAGE_PATH to the store}"
REGISTRY=/usr/bin/docker-registry
# Marks DIR as made by this script: `stop` removes a DIR only when it carries the mark (or is empty).
MARK=.lab-registry

die() { echo "lab-registry: $*" >&2; exit 1; }
usage() {
  echo "usage: lab-registry.sh start MACHINE DIR [--tls] [--auth USER:PASSWORD] [--port N]" >&2
  echo "       lab-registry.sh stop MACHINE DIR" >&2
  echo "       lab-registry.sh trust MACHINE DIR ADDRESS" >&2
  exit 2
}
# Runs a command line inside MACHINE (bash there, so words quoted with printf %q are safe).
on_host() { "$BERTH" ssh "$1" "$2"; }
q() { printf '%q' "$1"; }

# DIR as an absolute path, refused where a lab host would not see this machine's copy: its private bind mounts
# (the agent's directories, /etc/hostname, root's .bashrc) and /run, a tmpfs of each lab host's own.
absdir() {
  local d
  d=$(realpath -m -- "$1")
  case "$d" in
    /|/run|/run/*|/usr/local/bin|/usr/local/bin/*|/etc/berth|/etc/berth/*|/var/lib/berth|/var/lib/berth/*|\
    /etc/systemd/system|/etc/systemd/system/*|/root/.bashrc|/etc/hostname)
      die "$d is not shared with lab hosts (or is /); pick a directory such as one from mktemp -d" ;;
  esac
  echo "$d"
}

# The registry's pid from DIR/registry.pid, printed only while that pid is still our registry (its command line
# names DIR/config.yml), so a recycled pid is never signalled.
live_pid() {
  local dir=$1 pid cmd
  [ -s "$dir/registry.pid" ] || return 1
  pid=$(tr -dc 0-9 < "$dir/registry.pid")
  [ -n "$pid" ] || return 1
  # A zombie (exited, not yet reaped by pid 1) has an empty command line, so it counts as gone.
  cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == "$REGISTRY serve $dir/config.yml "* ]] || return 1
  echo "$pid"
}

# SIGTERM to our registry, SIGKILL if it is still there after 5 s; waits until it is gone. Pids are global (lab
# hosts have their own network, mount and UTS namespaces, not a pid namespace), so plain kill reaches it, even
# once MACHINE itself is gone.
kill_registry() {
  local dir=$1 pid i
  pid=$(live_pid "$dir") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do live_pid "$dir" >/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 50); do live_pid "$dir" >/dev/null || return 0; sleep 0.1; done
  die "registry pid $pid did not exit"
}

# Test CA and a server certificate for IP signed by it; EC P-256, valid 2 days. Keys stay 0600.
make_certs() {
  local dir=$1 ip=$2
  (
    umask 077
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 2 \
      -subj "/CN=berth lab registry test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj "/CN=$ip" \
      -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    # x509 -req copies no extensions from the CSR, so the SAN (what clients check; the CN is ignored) goes in here.
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -days 2 -out "$dir/server.crt" \
      -extfile <(printf '%s\n' "subjectAltName=IP:$ip" "basicConstraints=critical,CA:FALSE" \
                   "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth") 2>/dev/null
    rm -f "$dir/server.csr"
  ) || die "openssl failed to make the test certificates in $dir"
  chmod 644 "$dir/ca.crt" "$dir/server.crt"
}

# DIR/config.yml. Pitfalls: `version: 0.1` is required; `delete.enabled` sits under storage; http.addr takes
# IP:PORT (binding that one address only); the access log goes to stdout, the rest to stderr (both to registry.log).
write_config() {
  local dir=$1 addr=$2 tls=$3 auth=$4
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: warn"
    echo "  formatter: text"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $dir/data"
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: $addr"
    # Without a secret the registry warns at every start (it signs upload state with a random one).
    echo "  secret: $(openssl rand -hex 16)"
    if [ "$tls" = 1 ]; then
      echo "  tls:"
      echo "    certificate: $dir/server.crt"
      echo "    key: $dir/server.key"
    fi
    if [ -n "$auth" ]; then
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: berth-registry"
      echo "    path: $dir/htpasswd"
    fi
  } > "$dir/config.yml"
}

cmd_start() {
  [ $# -ge 2 ] || usage
  local machine=$1 dir tls=0 auth="" port=5000 ip addr scheme want pid
  dir=$(absdir "$2"); shift 2
  while [ $# -gt 0 ]; do
    case "$1" in
      --tls) tls=1; shift ;;
      --auth) [ $# -ge 2 ] || usage; auth=$2; shift 2 ;;
      --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ "$port" =~ ^[0-9]{1,5}$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "bad port: $port"
  if [ -n "$auth" ]; then
    [[ "$auth" == ?*:?* ]] || die "--auth wants USER:PASSWORD"
    [[ "${auth%%:*}" != *[[:space:]]* ]] || die "the --auth user has no room for spaces"
  fi
  [ -x "$REGISTRY" ] || die "$REGISTRY is missing (apt-get install docker-registry)"

  ip=$("$BERTH" ip "$machine") || die "berth ip $machine failed"
  [[ "$ip" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "berth ip $machine gave '$ip', not an IPv4 address"
  addr=$ip:$port

  # DIR: new, empty, or an earlier one of ours whose registry is no longer running.
  if [ -e "$dir" ]; then
    [ -d "$dir" ] || die "$dir exists and is not a directory"
    if [ ! -e "$dir/$MARK" ] && [ -n "$(ls -A "$dir")" ]; then die "$dir is not empty and not a lab registry's"; fi
    if pid=$(live_pid "$dir"); then die "a registry already runs from $dir (pid $pid)"; fi
  fi
  mkdir -p "$dir/data"
  : > "$dir/$MARK"
  rm -f "$dir/registry.pid"

  [ "$tls" = 1 ] && make_certs "$dir" "$ip"
  if [ -n "$auth" ]; then
    # bcrypt (-B): the only hash distribution's htpasswd accepts.
    (umask 077; htpasswd -Bbn "${auth%%:*}" "${auth#*:}" > "$dir/htpasswd") || die "htpasswd failed"
  fi
  write_config "$dir" "$addr" "$tls" "$auth"

  # Something already answering at IP:PORT (another registry, say) would pass the readiness check below for ours.
  if on_host "$machine" "timeout 2 bash -c '</dev/tcp/$ip/$port' 2>/dev/null"; then die "$addr is already in use on $machine"; fi

  # Started in the lab host's network namespace over SSH, so it can bind the lab address. A backgrounded command
  # in a non-interactive shell is no process-group leader, so setsid execs in place and $! is the registry's own
  # pid. With stdin, stdout and stderr off the session, the SSH command returns at once and the registry outlives it.
  local d; d=$(q "$dir")
  on_host "$machine" "setsid $REGISTRY serve $d/config.yml </dev/null >$d/registry.log 2>&1 & echo \$! > $d/registry.pid" \
    || die "could not start the registry on $machine"

  # Ready once GET /v2/ answers from inside the lab host: 200, or 401 (a basic-auth challenge) with --auth.
  # One SSH session polls for up to 10 s. --noproxy: a proxy from the environment must never see lab traffic.
  local cacert=""
  if [ "$tls" = 1 ]; then scheme="https"; cacert="--cacert $d/ca.crt"; else scheme="http"; fi
  if [ -n "$auth" ]; then want=401; else want=200; fi
  local probe="for i in \$(seq 50); do
      code=\$(curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' \
        $cacert $scheme://$addr/v2/ || true)
      [ \"\$code\" = $want ] && exit 0
      grep -q '^State:[[:space:]]*[^Z[:space:]]' /proc/\$(cat $d/registry.pid)/status 2>/dev/null || exit 1  # died: no wait
      sleep 0.2
    done; exit 1"
  if ! on_host "$machine" "$probe" || ! live_pid "$dir" >/dev/null; then
    echo "lab-registry: no registry of $dir answered GET $scheme://$addr/v2/ with $want; registry.log:" >&2
    tail -n 20 "$dir/registry.log" >&2 2>/dev/null || true
    kill_registry "$dir" || true
    exit 1
  fi
  echo "$addr"
}

cmd_stop() {
  [ $# -eq 2 ] || usage
  local dir
  dir=$(absdir "$2")
  [ -e "$dir" ] || return 0
  kill_registry "$dir"
  if [ -e "$dir/$MARK" ] || [ -z "$(ls -A "$dir")" ]; then
    rm -rf -- "$dir"
  else
    die "$dir is not a lab registry's; left in place"
  fi
}

cmd_trust() {
  [ $# -eq 3 ] || usage
  local machine=$1 dir address=$3
  dir=$(absdir "$2")
  [ -s "$dir/ca.crt" ] || die "$dir/ca.crt is missing (was the registry started with --tls?)"
  # HOST:PORT as certs.d names it; no slashes or dots-only names that would leave the directory.
  [[ "$address" =~ ^[A-Za-z0-9._-]+(:[0-9]+)?$ && "$address" != .* ]] || die "bad registry address: $address"
  # /etc/berth is bind-mounted privately in each lab host: this writes MACHINE's copy, never this machine's.
  local t; t=$(q "/etc/berth/certs.d/$address")
  on_host "$machine" "mkdir -p $t && cat > $t/ca.crt" < "$dir/ca.crt" \
    || die "could not write /etc/berth/certs.d/$address/ca.crt on $machine"
}

[ $# -ge 1 ] || usage
case "$1" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  trust) shift; cmd_trust "$@" ;;
  *) usage ;;
esac
