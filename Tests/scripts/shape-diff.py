#!/usr/bin/env python3
"""Compares the JSON shapes berthd and a peer dockerd give for the same requests (issue 16).

Usage: shape-diff.py PEER_SOCKET [ALLOW_FILE]
berthd is reached through the DOCKER_HOST/DOCKER_CERT_PATH environment (`eval $(berth env MACHINE)`); the peer
through its unix socket. Both must have a busybox image. The script makes the same objects on each (a user
network, a volume, a running container on both with an exec), asks both the same questions and prints, per
request, the key paths dockerd answers with that berthd does not (`GET /containers/{id}/json: .State.Health`).
Paths listed in ALLOW_FILE (one per line, `#` comments) are known differences and left out. Exit 1 when any
path is missing, 0 otherwise; everything it made is removed either way.
"""
import os
import sys

import docker

PREFIX = "shape-"


def paths(value, prefix=""):
    """Every key path of a JSON value; list elements share one `[]` segment, map keys that are data are `*`."""
    out = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            seg = "*" if dynamic(prefix) else key
            here = prefix + "." + seg
            out.add(here)
            out |= paths(inner, here)
    elif isinstance(value, list):
        for inner in value:
            out |= paths(inner, prefix + "[]")
    return out


def dynamic(prefix):
    """Maps whose keys are names, not fields (labels, networks by name, ports, volumes, env-like maps)."""
    last = prefix.rsplit(".", 1)[-1]
    return last in {"Labels", "Networks", "Ports", "ExposedPorts", "Volumes", "Options", "DriverOpts", "Containers",
                    "Data", "Plugins", "Runtimes", "IndexConfigs", "RegistryConfig.IndexConfigs", "Sysctls",
                    "Tmpfs", "Attributes"} or prefix.endswith("LogConfig.Config")


def make(c, image):
    net = c.create_network(PREFIX + "net", driver="bridge")["Id"]
    c.create_volume(PREFIX + "vol")
    host = c.create_host_config(binds={PREFIX + "vol": {"bind": "/data", "mode": "rw"}}, network_mode=PREFIX + "net")
    ctr = c.create_container(image, ["sleep", "300"], name=PREFIX + "ctr", host_config=host,
                             labels={"shape": "1"})["Id"]
    c.start(ctr)
    ex = c.exec_create(ctr, ["true"])["Id"]
    c.exec_start(ex)
    return {"net": net, "ctr": ctr, "exec": ex, "image": image}


def cleanup(c):
    for call in (lambda: c.remove_container(PREFIX + "ctr", force=True), lambda: c.remove_network(PREFIX + "net"),
                 lambda: c.remove_volume(PREFIX + "vol")):
        try:
            call()
        except Exception:
            pass


def questions(c, ids):
    return {
        "GET /containers/{id}/json": lambda: c.inspect_container(ids["ctr"]),
        "GET /containers/json": lambda: c.containers(filters={"label": "shape=1"}),
        "GET /images/{name}/json": lambda: c.inspect_image(ids["image"]),
        "GET /images/json": lambda: c.images(name=ids["image"]),
        "GET /networks/{id}": lambda: c.inspect_network(ids["net"]),
        "GET /volumes/{name}": lambda: c.inspect_volume(PREFIX + "vol"),
        "GET /exec/{id}/json": lambda: c.exec_inspect(ids["exec"]),
        "GET /info": lambda: c.info(),
        "GET /version": lambda: c.version(),
        "GET /system/df": lambda: c.df(),
    }


def main():
    peer_socket = sys.argv[1]
    allowed = set()
    if len(sys.argv) > 2:
        for line in open(sys.argv[2]):
            line = line.split("#", 1)[0].strip()
            if line:
                allowed.add(line)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # the machine's CA, not the store's, would be used
        os.environ.pop(name, None)
    peer = docker.APIClient(base_url="unix://" + peer_socket, version="auto")
    # Both are asked at the peer's API version (1.41 for dockerd 20.10): berthd answers each version as dockerd does.
    berth = docker.from_env(version=peer.api_version).api
    answers = {}
    try:
        for name, client in (("berthd", berth), ("dockerd", peer)):
            cleanup(client)
            ids = make(client, "busybox")
            answers[name] = {q: paths(f()) for q, f in questions(client, ids).items()}
    finally:
        for client in (berth, peer):
            cleanup(client)
    missing = 0
    for q in answers["dockerd"]:
        lacking = sorted(p for p in answers["dockerd"][q] - answers["berthd"][q] if f"{q}: {p}" not in allowed)
        for p in lacking:
            print(f"{q}: {p}")
        missing += len(lacking)
    print(f"{missing} key paths dockerd answers with and berthd does not", file=sys.stderr)
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
