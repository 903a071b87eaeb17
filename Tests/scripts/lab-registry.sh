#!/usr/bin/env bash
# A test registry inside a lab host: Debian's docker-registry (distribution 2.8), for integration tests and the demo.
#
#   lab-registry.sh start MACHINE DIR [--tls] [--auth USER:PASSWORD | --token USER:PASSWORD] [--port N]
#                                                  prints IP:PORT (the registry's), nothing else
#   lab-registry.sh stop  MACHINE DIR              kills it (and its token server), removes DIR
#   lab-registry.sh trust MACHINE DIR ADDRESS      MACHINE trusts DIR/ca.crt for ADDRESS (/etc/berth/certs.d), and
#                                                  for the token server's address too in --token mode
#
# The caller sets BERTH (the berth binary) and BERTH_STORAGE_PATH (the store holding MACHINE). DIR is a directory on
# this machine; lab hosts share this machine's filesystem apart from a few private bind mounts, so the registry,
# started over `berth ssh`, reads its config from DIR and keeps its blobs in DIR/data. It binds only MACHINE's lab
# address (never 0.0.0.0), so nothing outside the lab can reach it. --tls makes a throw-away CA (DIR/ca.crt,
# valid 2 days) and a server certificate for the IP; --auth adds htpasswd basic auth (realm berth-registry).
# --token puts the registry behind Docker's token auth instead: lab-token-server.py, next to this script, runs in
# MACHINE too, on IP:(PORT+100) (HTTPS with the same server certificate under --tls, else HTTP; its address is in
# DIR/token.addr), checks basic credentials against USER:PASSWORD and issues ES256 JWTs (iss berth-token, aud
# berth-registry) granting whatever scope was asked for, signed by DIR/token.key, whose self-signed certificate
# DIR/token.crt is the registry's rootcertbundle. The registry answers 401 with
#   WWW-Authenticate: Bearer realm="http(s)://IP:PORT2/token",service="berth-registry"[,scope="..."]
# and DIR/token.log has a line per token request (never credentials). `start` checks the whole dance once
# (a token for no scope, then GET /v2/ with it), so token.log begins with that request.
# Everything lives in DIR; `stop` kills only the pids in DIR/registry.pid and DIR/token.pid and removes DIR.
set -euo pipefail
BERTH=${BERTH:?set BERTH to the berth binary}
: "${BERTH_STORAGE_PATH:?set BERTH_STORAGE_PATH to the store}"
REGISTRY=/usr/bin/docker-registry
PYTHON=/usr/bin/python3
TOKEN_SERVER=$(realpath -- "$(dirname -- "${BASH_SOURCE[0]}")/lab-token-server.py")
# What the registry's token config names; lab-token-server.py signs tokens with them.
TOKEN_ISSUER=berth-token
TOKEN_SERVICE=berth-registry
# Marks DIR as made by this script: `stop` removes a DIR only when it carries the mark (or is empty).
MARK=.lab-registry

die() { echo "lab-registry: $*" >&2; exit 1; }
usage() {
  echo "usage: lab-registry.sh start MACHINE DIR [--tls] [--auth USER:PASSWORD | --token USER:PASSWORD] [--port N]" >&2
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

# The pid in DIR/registry.pid (WHAT registry) or DIR/token.pid (WHAT token), printed only while that pid is still
# ours (its whole command line is the one started from DIR), so a recycled pid is never signalled.
live_pid() {
  local dir=$1 what=${2:-registry} pid cmd
  [ -s "$dir/$what.pid" ] || return 1
  pid=$(tr -dc 0-9 < "$dir/$what.pid")
  [ -n "$pid" ] || return 1
  # A zombie (exited, not yet reaped by pid 1) has an empty command line, so it counts as gone.
  cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  case "$what" in
    registry) [[ "$cmd" == "$REGISTRY serve $dir/config.yml "* ]] || return 1 ;;
    token) [[ "$cmd" == "$PYTHON $TOKEN_SERVER $dir/token.json " ]] || return 1 ;;
    *) return 1 ;;
  esac
  echo "$pid"
}

# SIGTERM to our registry (WHAT token: our token server), SIGKILL if it is still there after 5 s; waits until it
# is gone. Pids are global (lab hosts have their own network, mount and UTS namespaces, not a pid namespace), so
# plain kill reaches it, even once MACHINE itself is gone.
kill_registry() {
  local dir=$1 what=${2:-registry} pid i
  pid=$(live_pid "$dir" "$what") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do live_pid "$dir" "$what" >/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 50); do live_pid "$dir" "$what" >/dev/null || return 0; sleep 0.1; done
  die "$what pid $pid did not exit"
}

# Both of DIR's processes (either may be absent).
kill_all() {
  kill_registry "$1" token
  kill_registry "$1" registry
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

# The token signing key DIR/token.key (EC P-256: ES256) and its self-signed certificate DIR/token.crt, the
# registry's rootcertbundle. Distribution 2.8 trusts a token whose `kid` is the libtrust fingerprint of a bundle
# certificate's key; it checks no validity dates or extensions on that path.
make_token_key() {
  local dir=$1
  (
    umask 077
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 2 \
      -subj "/CN=berth lab registry token signer" -keyout "$dir/token.key" -out "$dir/token.crt" 2>/dev/null
  ) || die "openssl failed to make the token signing key in $dir"
  chmod 644 "$dir/token.crt"
}

# DIR/token.json for lab-token-server.py (0600: it holds the password). JSON by python, so any password fits.
write_token_config() {
  local dir=$1 addr=$2 tls=$3 token=$4
  (
    umask 077
    "$PYTHON" - "$dir" "$addr" "$tls" "${token%%:*}" "${token#*:}" "$TOKEN_ISSUER" "$TOKEN_SERVICE" <<'PY'
import json, sys
d, addr, tls, user, password, issuer, service = sys.argv[1:]
c = {"addr": addr, "user": user, "password": password, "issuer": issuer, "service": service,
     "key": d + "/token.key", "log": d + "/token.log"}
if tls == "1":
    c["tls_cert"], c["tls_key"] = d + "/server.crt", d + "/server.key"
with open(d + "/token.json", "w") as f:
    json.dump(c, f, indent=1)
PY
  ) || die "could not write $dir/token.json"
}

# DIR/config.yml. Pitfalls: `version: 0.1` is required; `delete.enabled` sits under storage; http.addr takes
# IP:PORT (binding that one address only); the access log goes to stdout, the rest to stderr (both to registry.log).
write_config() {
  local dir=$1 addr=$2 tls=$3 auth=$4 realm=$5
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
    if [ -n "$realm" ]; then
      echo "auth:"
      echo "  token:"
      echo "    realm: $realm"
      echo "    service: $TOKEN_SERVICE"
      echo "    issuer: $TOKEN_ISSUER"
      echo "    rootcertbundle: $dir/token.crt"
    fi
  } > "$dir/config.yml"
}

cmd_start() {
  [ $# -ge 2 ] || usage
  local machine=$1 dir tls=0 auth="" token="" port=5000 ip addr taddr="" scheme want pid
  dir=$(absdir "$2"); shift 2
  while [ $# -gt 0 ]; do
    case "$1" in
      --tls) tls=1; shift ;;
      --auth) [ $# -ge 2 ] || usage; auth=$2; shift 2 ;;
      --token) [ $# -ge 2 ] || usage; token=$2; shift 2 ;;
      --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ "$port" =~ ^[0-9]{1,5}$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "bad port: $port"
  if [ -n "$auth" ]; then
    [[ "$auth" == ?*:?* ]] || die "--auth wants USER:PASSWORD"
    [[ "${auth%%:*}" != *[[:space:]]* ]] || die "the --auth user has no room for spaces"
  fi
  if [ -n "$token" ]; then
    [ -z "$auth" ] || die "--auth and --token are either-or (the registry has one auth method)"
    [[ "$token" == ?*:?* ]] || die "--token wants USER:PASSWORD"
    [[ "${token%%:*}" != *[[:space:]]* ]] || die "the --token user has no room for spaces"
    [ "$port" -le 65435 ] || die "--token needs PORT+100 for the token server; $port is too high"
    [ -r "$TOKEN_SERVER" ] || die "$TOKEN_SERVER is missing"
    "$PYTHON" -c 'import cryptography' 2>/dev/null || die "$PYTHON has no cryptography package (python3-cryptography)"
  fi
  [ -x "$REGISTRY" ] || die "$REGISTRY is missing (apt-get install docker-registry)"

  ip=$("$BERTH" ip "$machine") || die "berth ip $machine failed"
  [[ "$ip" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "berth ip $machine gave '$ip', not an IPv4 address"
  addr=$ip:$port
  if [ "$tls" = 1 ]; then scheme="https"; else scheme="http"; fi
  [ -n "$token" ] && taddr=$ip:$((port + 100))

  # DIR: new, empty, or an earlier one of ours whose registry (and token server) is no longer running.
  if [ -e "$dir" ]; then
    [ -d "$dir" ] || die "$dir exists and is not a directory"
    if [ ! -e "$dir/$MARK" ] && [ -n "$(ls -A "$dir")" ]; then die "$dir is not empty and not a lab registry's"; fi
    if pid=$(live_pid "$dir"); then die "a registry already runs from $dir (pid $pid)"; fi
    if pid=$(live_pid "$dir" token); then die "a token server already runs from $dir (pid $pid)"; fi
  fi
  mkdir -p "$dir/data"
  : > "$dir/$MARK"
  # Leftovers of an earlier run in this DIR that would mislead: pids, and token mode's files.
  rm -f "$dir/registry.pid" "$dir/token.pid" "$dir/token.addr" "$dir/token.log" "$dir/token.json" "$dir/token.auth"

  [ "$tls" = 1 ] && make_certs "$dir" "$ip"
  if [ -n "$auth" ]; then
    # bcrypt (-B): the only hash distribution's htpasswd accepts.
    (umask 077; htpasswd -Bbn "${auth%%:*}" "${auth#*:}" > "$dir/htpasswd") || die "htpasswd failed"
  fi
  local realm=""
  if [ -n "$token" ]; then
    realm="$scheme://$taddr/token"
    make_token_key "$dir"
    write_token_config "$dir" "$taddr" "$tls" "$token"
  fi
  write_config "$dir" "$addr" "$tls" "$auth" "$realm"

  # Something already answering at IP:PORT (another registry, say) would pass the readiness check below for ours.
  if on_host "$machine" "timeout 2 bash -c '</dev/tcp/$ip/$port' 2>/dev/null"; then die "$addr is already in use on $machine"; fi
  if [ -n "$token" ] && on_host "$machine" "timeout 2 bash -c '</dev/tcp/$ip/$((port + 100))' 2>/dev/null"; then
    die "$taddr (the token server's) is already in use on $machine"
  fi

  # Started in the lab host's network namespace over SSH, so it can bind the lab address. A backgrounded command
  # in a non-interactive shell is no process-group leader, so setsid execs in place and $! is the registry's own
  # pid. With stdin, stdout and stderr off the session, the SSH command returns at once and the registry outlives it.
  local d; d=$(q "$dir")
  on_host "$machine" "setsid $REGISTRY serve $d/config.yml </dev/null >$d/registry.log 2>&1 & echo \$! > $d/registry.pid" \
    || die "could not start the registry on $machine"
  if [ -n "$token" ]; then
    # The same way; stderr appends to token.log, where the server writes its request lines too.
    on_host "$machine" "setsid $PYTHON $(q "$TOKEN_SERVER") $d/token.json </dev/null >>$d/token.log 2>&1 & echo \$! > $d/token.pid" \
      || { kill_all "$dir"; die "could not start the token server on $machine"; }
    echo "$taddr" > "$dir/token.addr"
  fi

  # Ready once GET /v2/ answers from inside the lab host: 200, or 401 (a challenge) with --auth or --token; in
  # token mode GET /token without credentials must answer 401 too. One SSH session polls for up to 10 s.
  # --noproxy: a proxy from the environment must never see lab traffic.
  local cacert="" curl
  [ "$tls" = 1 ] && cacert="--cacert $d/ca.crt"
  curl="curl -s --noproxy '*' --max-time 2 $cacert"
  if [ -n "$auth$token" ]; then want=401; else want=200; fi
  local alive="grep -q '^State:[[:space:]]*[^Z[:space:]]' /proc/\$(cat $d/registry.pid)/status 2>/dev/null"
  local ready="[ \"\$($curl -o /dev/null -w '%{http_code}' $scheme://$addr/v2/ || true)\" = $want ]"
  if [ -n "$token" ]; then
    alive="$alive && grep -q '^State:[[:space:]]*[^Z[:space:]]' /proc/\$(cat $d/token.pid)/status 2>/dev/null"
    ready="$ready && [ \"\$($curl -o /dev/null -w '%{http_code}' $scheme://$taddr/token || true)\" = 401 ]"
  fi
  local probe="for i in \$(seq 50); do
      $ready && exit 0
      $alive || exit 1  # died: no wait
      sleep 0.2
    done; exit 1"
  if ! on_host "$machine" "$probe" || ! live_pid "$dir" >/dev/null \
     || { [ -n "$token" ] && ! live_pid "$dir" token >/dev/null; }; then
    echo "lab-registry: no registry of $dir answered GET $scheme://$addr/v2/ with $want" \
      "${token:+(or its token server GET $scheme://$taddr/token with 401)}; registry.log:" >&2
    tail -n 20 "$dir/registry.log" >&2 2>/dev/null || true
    if [ -n "$token" ]; then echo "token.log:" >&2; tail -n 20 "$dir/token.log" >&2 2>/dev/null || true; fi
    kill_all "$dir" || true
    exit 1
  fi

  # Token mode: the dance once, end to end, so a token the registry would refuse (a kid it does not know, say)
  # fails here rather than in a test. The basic credentials go in a header file, off every command line.
  if [ -n "$token" ]; then
    (umask 077; printf 'Authorization: Basic %s\n' "$(printf '%s' "$token" | base64 -w0)" > "$dir/token.auth")
    local dance="t=\$($curl -f -H @$d/token.auth '$scheme://$taddr/token?service=$TOKEN_SERVICE' \
        | sed -n 's/.*\"token\": *\"\([^\"]*\)\".*/\1/p') && [ -n \"\$t\" ] || exit 2
      [ \"\$($curl -o /dev/null -w '%{http_code}' -H \"Authorization: Bearer \$t\" $scheme://$addr/v2/ || true)\" = 200 ]"
    local rc=0
    on_host "$machine" "$dance" || rc=$?
    rm -f "$dir/token.auth"
    if [ "$rc" != 0 ]; then
      if [ "$rc" = 2 ]; then echo "lab-registry: the token server at $realm gave no token; token.log:" >&2
      else echo "lab-registry: the registry at $addr refused a token from $realm; registry.log:" >&2
           tail -n 20 "$dir/registry.log" >&2 2>/dev/null || true; echo "token.log:" >&2
      fi
      tail -n 20 "$dir/token.log" >&2 2>/dev/null || true
      kill_all "$dir" || true
      exit 1
    fi
  fi
  echo "$addr"
}

cmd_stop() {
  [ $# -eq 2 ] || usage
  local dir
  dir=$(absdir "$2")
  [ -e "$dir" ] || return 0
  kill_all "$dir"
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
  # Token mode: the agent checks the token server's certificate against certs.d of the realm's own HOST:PORT.
  if [ -s "$dir/token.addr" ]; then
    local taddr; taddr=$(tr -dc '0-9.:' < "$dir/token.addr")
    t=$(q "/etc/berth/certs.d/$taddr")
    on_host "$machine" "mkdir -p $t && cat > $t/ca.crt" < "$dir/ca.crt" \
      || die "could not write /etc/berth/certs.d/$taddr/ca.crt on $machine"
  fi
}

[ $# -ge 1 ] || usage
case "$1" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  trust) shift; cmd_trust "$@" ;;
  *) usage ;;
esac
