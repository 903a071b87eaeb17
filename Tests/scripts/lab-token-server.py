#!/usr/bin/env python3
"""A registry token server for tests: Docker's distribution token spec, just enough for distribution 2.8.

    lab-token-server.py CONFIG.json

lab-registry.sh --token starts it inside a lab host and writes CONFIG.json (mode 0600, it holds the password):

    {"addr": "IP:PORT", "user": "...", "password": "...", "issuer": "berth-token", "service": "berth-registry",
     "key": "DIR/token.key", "log": "DIR/token.log", "tls_cert": "DIR/server.crt", "tls_key": "DIR/server.key"}

(tls_cert and tls_key only for HTTPS.) GET /token?service=S&scope=T:NAME:ACTIONS[&scope=...]&account=A with HTTP
basic credentials answers {"token", "access_token", "expires_in", "issued_at"}: an ES256 JWT whose `access` claim
grants every action each scope asked for. Missing or wrong credentials get 401 (the spec allows anonymous tokens;
this fixture does not), a service other than S gets 400, an account other than the user 403.

The JWT as distribution 2.8 (registry/auth/token/token.go, accesscontroller.go) verifies it:
  - header {"typ": "JWT", "alg": "ES256", "kid": K}: K is the libtrust fingerprint of the signing key, which the
    registry computes for each certificate in its rootcertbundle (base32 of the first 240 bits of SHA-256 of the
    DER SubjectPublicKeyInfo, unpadded, in 12 groups of 4 joined by ':'); an x5c header would be checked first
    as a certificate chain up to that bundle, so there is none.
  - `aud` is a single string in 2.8 (a list is a malformed token there); `iss` must equal the registry's issuer.
  - the signature is JOSE's r||s, 32 bytes each, not the DER that cryptography produces.
Standard library plus the `cryptography` package only.
"""
import base64
import datetime
import hashlib
import hmac
import http.server
import json
import os
import secrets
import ssl
import sys
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

LIFETIME = 300  # seconds; the registry allows 60 s of clock skew on exp and nbf


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def libtrust_kid(public_key) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    s = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(s[i:i + 4] for i in range(0, len(s), 4))


class Issuer:
    def __init__(self, config):
        with open(config["key"], "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        if not isinstance(self.key, ec.EllipticCurvePrivateKey) or self.key.curve.name != "secp256r1":
            raise SystemExit("lab-token-server: the signing key must be EC P-256 (ES256)")
        self.kid = libtrust_kid(self.key.public_key())
        self.issuer = config["issuer"]
        self.service = config["service"]

    def token(self, subject, access):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "kid": self.kid}
        claims = {"iss": self.issuer, "sub": subject, "aud": self.service, "exp": now + LIFETIME, "nbf": now,
                  "iat": now, "jti": secrets.token_hex(16), "access": access}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                         + b64url(json.dumps(claims, separators=(",", ":")).encode()))
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big")), now


def parse_scopes(values):
    """`type:name:actions` items (several per value, space-separated, as the registry's challenge joins them)
    into the `access` claim, merging repeats. The name may itself hold ':' (a port); type and actions cannot."""
    merged = {}
    for value in values:
        for item in value.split():
            parts = item.split(":")
            if len(parts) < 3 or not parts[0] or not parts[-1]:
                raise ValueError(f"malformed scope {item!r}")
            kind, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1]
            if not name:
                raise ValueError(f"malformed scope {item!r}")
            granted = merged.setdefault((kind, name), [])
            granted += [a for a in actions.split(",") if a and a not in granted]
    return [{"type": k, "name": n, "actions": a} for (k, n), a in merged.items()]


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "berth-lab-token/1"
    protocol_version = "HTTP/1.1"
    timeout = 10

    def setup(self):
        if self.server.tls is not None:
            # The handshake happens here, in the request's own thread, so a stuck client cannot block accept.
            self.request.settimeout(self.timeout)
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            self.request.close()

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def reply(self, status, body, user="-", extra=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        # Never the Authorization header; the query holds no secrets (account is the user name).
        line = (f"{datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')} "
                f"{self.client_address[0]} {self.command} {self.path} user={user} {status}\n")
        with self.server.log_lock, open(self.server.log_path, "a") as log:
            log.write(line)

    def error(self, status, code, message, user="-", extra=()):
        self.reply(status, {"errors": [{"code": code, "message": message}]}, user, extra)

    def credentials(self):
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return (user, password) if sep else None

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/token":
            return self.error(404, "NOT_FOUND", f"no such path {url.path}")
        config = self.server.config
        given = self.credentials()
        challenge = [("WWW-Authenticate", 'Basic realm="berth-token"')]
        if given is None:
            return self.error(401, "UNAUTHORIZED", "authentication required", extra=challenge)
        user, password = given
        ok_user = hmac.compare_digest(user.encode(), config["user"].encode())
        ok_password = hmac.compare_digest(password.encode(), config["password"].encode())
        if not (ok_user and ok_password):
            return self.error(401, "UNAUTHORIZED", "incorrect username or password", user=user, extra=challenge)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        service = query.get("service", [config["service"]])[-1]
        if service != config["service"]:
            return self.error(400, "INVALID_REQUEST", f"unknown service {service!r}", user=user)
        account = query.get("account", [user])[-1]
        if account and account != user:
            return self.error(403, "DENIED", f"account {account!r} is not the authenticated user", user=user)
        try:
            access = parse_scopes(query.get("scope", []))
        except ValueError as e:
            return self.error(400, "INVALID_REQUEST", str(e), user=user)
        token, now = self.server.issuer.token(user, access)
        issued = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.reply(200, {"token": token, "access_token": token, "expires_in": LIFETIME, "issued_at": issued}, user)

    def do_POST(self):
        # The OAuth2 form (docker with a refresh token) is not offered; clients fall back to GET.
        self.error(405, "UNSUPPORTED", "only GET /token", extra=[("Allow", "GET, HEAD")])


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: lab-token-server.py CONFIG.json")
    with open(sys.argv[1]) as f:
        config = json.load(f)
    host, _, port = config["addr"].rpartition(":")
    server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    server.daemon_threads = True
    server.config = config
    server.issuer = Issuer(config)
    server.log_path = config["log"]
    server.log_lock = threading.Lock()
    server.tls = None
    if config.get("tls_cert"):
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.minimum_version = ssl.TLSVersion.TLSv1_2
        server.tls.load_cert_chain(config["tls_cert"], config["tls_key"])
    print(f"lab-token-server: {'https' if server.tls else 'http'}://{config['addr']}/token kid {server.issuer.kid}",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    os.umask(0o077)
    main()
