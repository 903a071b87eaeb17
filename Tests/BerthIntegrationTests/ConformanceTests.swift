import Foundation
import Testing

/// What clients written against dockerd expect (issue 16), through docker-py and the stock CLI on one lab host:
/// a full inspect shape, swarm's 503s, a synchronous SIGKILL, events, users by name, update, prune and `system df`.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct ConformanceTests {
    static let machines = ["api1"]

    @Test func dockerPyAndCLIAgainstDockerdsShapes() throws {
        let h = Harness("api")
        defer { h.cleanup(Self.machines) }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btapi", "--lab-subnet", "10.213.125.0/24"]
                              + Self.machines)
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-api-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        let d = { (args: [String]) in h.docker("api1", args) }
        try #require(d(["import", tar, "bb"]).status == 0)
        var pyEnv = h.dockerEnvironment("api1")
        pyEnv["REQUESTS_CA_BUNDLE"] = nil
        pyEnv["CURL_CA_BUNDLE"] = nil
        let py = { (script: String) in Harness.run(["python3", "-c", "import docker, json\nc = docker.from_env()\n" + script], env: pyEnv) }

        // docker-py's non-detached run reads HostConfig.LogConfig.Type.
        let run = py("print(c.containers.run('bb', 'echo hi', remove=True).decode().strip())")
        #expect(run.status == 0 && run.stdout == "hi\n", "\(run.stderr.suffix(400))")
        #expect(d(["create", "--name", "shape", "bb", "true"]).status == 0)
        let host = d(["inspect", "-f", "{{.HostConfig.LogConfig.Type}} {{.HostConfig.Runtime}} [{{.HostConfig.PidMode}}] "
                      + "{{.HostConfig.CpuShares}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.IpcMode}} "
                      + "{{json .HostConfig.Tmpfs}} {{.Config.Tty}}", "shape"])
        #expect(host.stdout == "json-file runc [] 0 no private null false\n", "\(host)")
        let keys = py("""
            h = c.api.inspect_container('shape')['HostConfig']
            print(all(k in h for k in ['LogConfig', 'PidMode', 'UTSMode', 'Tmpfs', 'CpuShares', 'Init', 'Runtime', 'ShmSize']))
            """)
        #expect(keys.stdout == "True\n", "\(keys)")

        // Swarm: dockerd's 503s.
        let swarm = py("""
            for call in [lambda: c.api.leave_swarm(), lambda: c.api.services(), lambda: c.api.nodes(), lambda: c.api.secrets()]:
                try:
                    call()
                except docker.errors.APIError as e:
                    print(e.status_code, e.explanation)
            print(c.api.leave_swarm(force=True))
            """)
        let manager = "503 This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.\n"
        #expect(swarm.stdout == "503 This node is not part of a swarm\n" + manager + manager + manager + "True\n", "\(swarm)")

        // kill with SIGKILL returns once the container is dead.
        for round in 0..<5 {
            #expect(d(["run", "-d", "--name", "k\(round)", "bb", "sleep", "300"]).status == 0)
            #expect(d(["kill", "k\(round)"]).status == 0)
            #expect(d(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "k\(round)"]).stdout == "exited 137\n")
            #expect(d(["rm", "k\(round)"]).status == 0, "rm right after kill (round \(round))")
        }

        // events: what happened to a container, in dockerd's order, through the CLI and docker-py.
        let t0 = Int(Date().timeIntervalSince1970) - 1
        // PID 1 ignores SIGTERM unless it traps it: this one does, so stop sends one signal and it exits 0.
        #expect(d(["run", "-d", "--name", "ev", "--label", "tier=front", "bb", "sh", "-c",
                   "trap 'exit 0' TERM; sleep 300 & wait"]).status == 0)
        #expect(d(["stop", "-t", "1", "ev"]).status == 0)
        #expect(d(["rm", "ev"]).status == 0)
        let t1 = Int(Date().timeIntervalSince1970) + 1
        let events = d(["events", "--since", "\(t0)", "--until", "\(t1)", "--filter", "container=ev",
                        "--format", "{{.Type}} {{.Action}}"])
        #expect(events.stdout == ["create", "start", "kill", "die", "stop", "destroy"].map { "container \($0)\n" }.joined(),
                "\(events)")
        let died = d(["events", "--since", "\(t0)", "--until", "\(t1)", "--filter", "label=tier=front", "--filter", "event=die",
                      "--format", "{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}"])
        #expect(died.stdout == "ev 0\n", "\(died)")
        let pyEvents = py("print([e['status'] for e in c.events(since=\(t0), until=\(t1), decode=True, filters={'container': 'ev'})])")
        #expect(pyEvents.stdout == "['create', 'start', 'kill', 'die', 'stop', 'destroy']\n", "\(pyEvents)")

        // events live: `docker events` running while a container on a user network comes and goes, and a created
        // container is connected and disconnected, in dockerd 20.10's order (a created container connects at start).
        #expect(d(["network", "create", "evnet"]).status == 0)
        let live = Harness.run(["sh", "-c", """
            out=$(mktemp /tmp/berth-events.XXXXXX)
            docker events --filter type=container --filter type=network --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}' > "$out" &
            watcher=$!
            sleep 1
            docker run --rm --name evl --network evnet bb true
            docker create --name evc bb true >/dev/null && docker network connect evnet evc && docker network disconnect evnet evc
            docker rm evc >/dev/null
            sleep 1
            kill $watcher
            cat "$out"; rm -f "$out"
            """], env: h.dockerEnvironment("api1"))
        #expect(live.stdout == """
            container create evl
            container attach evl
            network connect evnet
            container start evl
            container die evl
            network disconnect evnet
            container destroy evl
            container create evc
            network disconnect evnet
            container destroy evc

            """, "\(live)")
        #expect(d(["network", "rm", "evnet"]).status == 0)

        // stats carry the container's interfaces (its namespace's /proc/net/dev, loopback left out); none without a network.
        #expect(d(["run", "-d", "--name", "nst", "bb", "sleep", "300"]).status == 0)
        #expect(d(["run", "-d", "--name", "nsn", "--network", "none", "bb", "sleep", "300"]).status == 0)
        let netStats = py("""
            s = c.containers.get('nst').stats(stream=False)
            print(sorted(s['networks'].keys()), sorted(s['networks']['eth0'].keys()) == sorted(['rx_bytes', 'rx_packets',
                  'rx_errors', 'rx_dropped', 'tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped']))
            print('networks' in c.containers.get('nsn').stats(stream=False))
            """)
        #expect(netStats.stdout == "['eth0'] True\nFalse\n", "\(netStats)")
        #expect(d(["rm", "-f", "nst", "nsn"]).status == 0)

        // Detach keys on a terminal's stdin (attach and exec): the client is let go, the process runs on.
        let detach = py("""
            import time
            def detach(sock, keys):
                sock = getattr(sock, '_sock', sock)
                sock.sendall(b'abc\\n'); time.sleep(0.3); sock.sendall(keys); sock.settimeout(10)
                data = b''
                while True:
                    chunk = sock.recv(4096)
                    if not chunk: return data
                    data += chunk
            ctr = c.containers.run('bb', 'cat', stdin_open=True, tty=True, detach=True, name='det')
            out = detach(c.api.attach_socket(ctr.id, params={'stdin': 1, 'stream': 1, 'stdout': 1}), b'\\x10\\x11')
            ctr.reload(); print('attach', ctr.status, b'abc' in out)
            out = detach(c.api.attach_socket(ctr.id, params={'stdin': 1, 'stream': 1, 'stdout': 1, 'detachKeys': 'ctrl-a,x'}), b'\\x01x')
            ctr.reload(); print('custom', ctr.status, b'abc' in out)
            ex = c.api.exec_create(ctr.id, 'sh', stdin=True, tty=True)['Id']
            detach(c.api.exec_start(ex, tty=True, socket=True), b'\\x10\\x11')
            print('exec', c.api.exec_inspect(ex)['Running'])
            try:
                c.api.attach_socket(ctr.id, params={'stdin': 1, 'stream': 1, 'detachKeys': 'ctrl-1'})
            except docker.errors.APIError as e:
                print('bad', e.status_code, e.explanation)
            ctr.remove(force=True)
            """)
        #expect(detach.stdout == """
            attach running True
            custom running True
            exec True
            bad 400 Invalid detach keys (ctrl-1) provided

            """, "\(detach.stdout)\(detach.stderr.suffix(600))")

        // -u by name, from the container's /etc/passwd and /etc/group (run and exec), and dockerd's error.
        #expect(d(["run", "--rm", "-u", "nobody", "bb", "id", "-u"]).stdout == "65534\n")
        #expect(d(["run", "--rm", "-u", "1000", "bb", "id"]).stdout.hasPrefix("uid=1000 gid=0"))
        // --group-add (names from the container's /etc/group, numbers as given) for the process and its execs.
        #expect(d(["run", "--rm", "--group-add", "1234", "--group-add", "nogroup", "bb", "id"]).stdout
            == "uid=0(root) gid=0(root) groups=0(root),1234,65534(nogroup)\n")
        let noGroup = d(["run", "--rm", "--group-add", "nosuch", "bb", "true"])
        #expect(noGroup.status != 0 && noGroup.stderr.contains("Unable to find group nosuch"), "\(noGroup)")
        #expect(d(["run", "-d", "--name", "users", "bb", "sleep", "300"]).status == 0)
        #expect(d(["exec", "-u", "nobody:nogroup", "users", "id", "-g"]).stdout == "65534\n")
        let nobody = d(["run", "--rm", "-u", "bob", "bb", "true"])
        #expect(nobody.status != 0 && nobody.stderr.contains("unable to find user bob: no matching entries in passwd file"),
                "\(nobody)")
        #expect(d(["rm", "-f", "users"]).status == 0)

        // update: recorded, reported, the memory limit in the cgroup.
        #expect(d(["run", "-d", "--name", "up", "bb", "sleep", "300"]).status == 0)
        let update = d(["update", "--memory", "64m", "--memory-swap", "64m", "--cpu-shares", "512", "--pids-limit", "40",
                        "--restart", "on-failure:3", "up"])
        #expect(update.status == 0, "\(update)")
        let limits = d(["inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.CpuShares}} {{.HostConfig.PidsLimit}} "
                        + "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}", "up"])
        #expect(limits.stdout == "67108864 512 40 on-failure:3\n", "\(limits)")
        let id = d(["inspect", "-f", "{{.Id}}", "up"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let cgroup = h.berth(["ssh", "api1", "cat /sys/fs/cgroup/berth/\(id)/memory.max /sys/fs/cgroup/memory/berth/\(id)/memory.limit_in_bytes 2>/dev/null"])
        #expect(cgroup.stdout.contains("67108864"), "\(cgroup)")
        #expect(d(["rm", "-f", "up"]).status == 0)

        // prune and system df.
        #expect(d(["create", "--label", "keep=1", "--name", "kept", "bb", "true"]).status == 0)
        let prune = py("print(json.dumps(c.api.prune_containers(filters={'label!': 'keep'})))")
        let report = try JSONSerialization.jsonObject(with: Data(prune.stdout.utf8)) as? [String: Any]
        #expect((report?["ContainersDeleted"] as? [String])?.count == 1, "\(prune)")  // shape
        #expect(report?["SpaceReclaimed"] is NSNumber)
        #expect(d(["ps", "-a", "--format", "{{.Names}}"]).stdout == "kept\n")
        let again = py("print(json.dumps(c.api.prune_containers(filters={'label!': 'keep'}), sort_keys=True))")
        #expect(again.stdout == "{\"ContainersDeleted\": null, \"SpaceReclaimed\": 0}\n", "\(again)")
        let images = py("print(json.dumps(c.api.prune_images(), sort_keys=True))")
        #expect(images.stdout == "{\"ImagesDeleted\": null, \"SpaceReclaimed\": 0}\n", "\(images)")
        let df = d(["system", "df", "--format", "{{.Type}} {{.TotalCount}}"])
        #expect(df.status == 0 && df.stdout.contains("Images 1") && df.stdout.contains("Containers 1"), "\(df)")
        let pydf = py("u = c.df(); print(sorted(u.keys()), u['Containers'][0]['SizeRw'] >= 0)")
        #expect(pydf.stdout == "['BuildCache', 'BuilderSize', 'Containers', 'Images', 'LayersSize', 'Volumes'] True\n", "\(pydf)")
        // attach with logs and no stream (docker-py), an unknown log driver, aliases with the short ID, a joined
        // container's hostname, exec's 126.
        let attached = py("x = c.containers.run('bb', 'sh -c \\\"echo one; echo two >&2\\\"', detach=True); x.wait(); "
                          + "print(repr(x.attach(logs=True, stream=False))); x.remove()")
        // (stdout and stderr are two pipes: the log has them in the order the agent read them)
        #expect(["b'one\\ntwo\\n'\n", "b'two\\none\\n'\n"].contains(attached.stdout), "\(attached)")
        let logDriver = d(["run", "--rm", "--log-driver", "nosuch", "bb", "true"])
        #expect(logDriver.status != 0 && logDriver.stderr.contains("logger: no log driver named 'nosuch' is registered"),
                "\(logDriver)")
        #expect(d(["network", "create", "confnet"]).status == 0)
        #expect(d(["run", "-d", "--name", "aliased", "--network", "confnet", "--network-alias", "web", "bb", "sleep", "60"]).status == 0)
        let short = String(d(["inspect", "-f", "{{.Id}}", "aliased"]).stdout.prefix(12))
        let aliases = d(["inspect", "-f", "{{json .NetworkSettings.Networks.confnet.Aliases}}", "aliased"]).stdout
        #expect(aliases == "[\"web\",\"\(short)\"]\n", "\(aliases)")
        let joined = d(["run", "--rm", "--network", "container:aliased", "bb", "hostname"])
        #expect(joined.stdout == short + "\n", "\(joined)")
        #expect(d(["exec", "aliased", "/nonexistent"]).status == 126)  // dockerd: 126 for any exec that cannot start
        #expect(d(["exec", "aliased", "/etc/passwd"]).status == 126)
        #expect(d(["rm", "-f", "aliased"]).status == 0)
        #expect(d(["network", "rm", "confnet"]).status == 0)
        let all = d(["container", "prune", "-f"])
        #expect(all.status == 0 && all.stdout.contains("Total reclaimed space"), "\(all)")
    }

    /// `--add-host`, `--dns*`, legacy `--link`, `--mac-address`, `--link-local-ip`, bind propagation, and the
    /// builder's ONBUILD, compressed contexts, `--add-host` and `--network` for RUN, through the CLI and docker-py.
    @Test func hostsLinksMountsAndBuilds() throws {
        let h = Harness("api-b")
        defer { h.cleanup(["api2"]) }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btapib", "--lab-subnet", "10.213.126.0/24", "api2"])
        try #require(created.status == 0, "\(created.stderr)")
        let work = NSTemporaryDirectory() + "berth-api-b-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let fm = FileManager.default
        for dir in ["onbase", "onuse", "ctx", "hosts"] { try fm.createDirectory(atPath: work + "/" + dir, withIntermediateDirectories: true) }
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", work + "/bb.tar"])
        try #require(built.status == 0, "\(built.stderr)")
        let d = { (args: [String]) in h.docker("api2", args) }
        try #require(d(["import", work + "/bb.tar", "busybox"]).status == 0)
        var pyEnv = h.dockerEnvironment("api2")
        pyEnv["REQUESTS_CA_BUNDLE"] = nil
        pyEnv["CURL_CA_BUNDLE"] = nil
        let py = { (script: String) in Harness.run(["python3", "-c", "import docker, io, json\nc = docker.from_env()\n" + script], env: pyEnv) }

        // /etc/hosts and /etc/resolv.conf from the run options, as dockerd writes them
        let files = d(["run", "--rm", "--add-host", "db.lab:10.1.2.3", "--add-host", "v6.lab:2001:db8::1", "--dns", "10.9.9.9",
                       "--dns-search", "lab.test", "--dns-option", "ndots:2", "busybox", "sh", "-c",
                       "grep lab /etc/hosts; cat /etc/resolv.conf"])
        #expect(files.stdout == "10.1.2.3\tdb.lab\n2001:db8::1\tv6.lab\nnameserver 10.9.9.9\nsearch lab.test\noptions ndots:2\n",
                "\(files)")
        let hostMode = d(["run", "--rm", "--network", "host", "--add-host", "db.lab:10.1.2.3", "busybox", "grep", "db.lab", "/etc/hosts"])
        #expect(hostMode.stdout == "10.1.2.3\tdb.lab\n", "\(hostMode)")
        let pyHosts = py("print(c.containers.run('busybox', 'grep db.lab /etc/hosts', extra_hosts={'db.lab': '10.4.5.6'}, remove=True).decode().strip())")
        #expect(pyHosts.stdout == "10.4.5.6\tdb.lab\n", "\(pyHosts)")
        let badHost = py("c.containers.create('busybox', 'true', extra_hosts={'x': '1.2.3'})")
        #expect(badHost.status != 0 && badHost.stderr.contains("invalid IP address in add-host"), "\(badHost.stderr.suffix(300))")

        // legacy links: the linked container under its alias in /etc/hosts, its ports and variables in the environment
        #expect(d(["run", "-d", "--name", "linked", "-e", "FOO=bar", "--expose", "80", "busybox", "sleep", "300"]).status == 0)
        let linking = d(["run", "--rm", "--name", "linking", "--link", "linked:al", "busybox", "sh", "-c",
                         "env | grep ^AL_ | sort; grep -c 'al [0-9a-f]* linked' /etc/hosts"])
        let address = d(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "linked"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(linking.stdout == """
            AL_ENV_FOO=bar
            AL_NAME=/linking/al
            AL_PORT=tcp://\(address):80
            AL_PORT_80_TCP=tcp://\(address):80
            AL_PORT_80_TCP_ADDR=\(address)
            AL_PORT_80_TCP_PORT=80
            AL_PORT_80_TCP_PROTO=tcp
            1

            """, "\(linking)")
        let pyLink = py("""
            x = c.containers.create('busybox', 'true', name='pylink', links={'linked': 'db'})
            print(c.api.inspect_container(x.id)['HostConfig']['Links'])
            x.remove()
            """)
        #expect(pyLink.stdout == "['/linked:/pylink/db']\n", "\(pyLink)")
        let noTarget = d(["run", "--rm", "--link", "nosuch:x", "busybox", "true"])
        #expect(noTarget.status != 0 && noTarget.stderr.contains("could not get container for nosuch"), "\(noTarget)")
        // docker rm --link: the link goes, the container stays
        #expect(d(["create", "--name", "withlink", "--link", "linked:al", "busybox", "true"]).status == 0)
        #expect(d(["rm", "--link", "withlink/al"]).status == 0)
        #expect(d(["inspect", "-f", "{{json .HostConfig.Links}}", "withlink"]).stdout == "null\n")
        #expect(d(["rm", "--link", "withlink/al"]).stderr.contains("No such container: withlink/al"))
        #expect(d(["rm", "withlink"]).status == 0)
        #expect(d(["rm", "-f", "linked"]).status == 0)

        // --read-only, --tmpfs and --mount type=tmpfs; cp into a read-only root is refused as dockerd does
        let ro = d(["run", "--rm", "--read-only", "--tmpfs", "/run:size=1m", "--mount", "type=tmpfs,dst=/scratch,tmpfs-size=2097152",
                    "busybox", "sh", "-c", "touch /x 2>/dev/null || echo refused; echo a > /run/a && echo b > /scratch/b && "
                    + "cat /run/a /scratch/b; grep -E ' /run | /scratch ' /proc/mounts | cut -d' ' -f1-4"])
        #expect(ro.stdout == "refused\na\nb\ntmpfs /scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k\n"
                + "tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k\n" || ro.stdout.hasPrefix("refused\na\nb\n"), "\(ro)")
        #expect(d(["create", "--name", "rofs", "--read-only", "--tmpfs", "/run", "--mount", "type=tmpfs,dst=/scratch", "busybox", "true"])
            .status == 0)
        #expect(d(["inspect", "-f", "{{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.Tmpfs}} {{range .Mounts}}{{.Type}} {{.Destination}}{{end}}",
                   "rofs"]).stdout == "true {\"/run\":\"\"} tmpfs /scratch\n")
        try "x\n".write(toFile: work + "/x", atomically: true, encoding: .utf8)
        #expect(d(["cp", work + "/x", "rofs:/"]).stderr.contains("container rootfs is marked read-only"))
        #expect(d(["rm", "rofs"]).status == 0)
        let pyRO = py("print(c.containers.run('busybox', ['sh', '-c', 'touch /x || echo refused; grep -c /t /proc/mounts'], read_only=True, tmpfs={'/t': 'size=1m'}, remove=True).decode().strip())")
        #expect(pyRO.stdout.hasSuffix("refused\n1\n"), "\(pyRO)")

        // ONBUILD: the triggers run in the build that starts FROM the image, and are not handed on
        try "FROM busybox\nONBUILD RUN echo triggered > /onb\nONBUILD ENV X=1\n".write(toFile: work + "/onbase/Dockerfile", atomically: true, encoding: .utf8)
        try "FROM onbase\nRUN cat /onb\n".write(toFile: work + "/onuse/Dockerfile", atomically: true, encoding: .utf8)
        #expect(d(["build", "-q", "-t", "onbase", work + "/onbase"]).status == 0)
        #expect(d(["inspect", "-f", "{{json .Config.OnBuild}}", "onbase"]).stdout == "[\"RUN echo triggered > /onb\",\"ENV X=1\"]\n")
        let using = d(["build", "-t", "onuse", work + "/onuse"])
        #expect(using.stdout.contains("# Executing 2 build triggers") && using.stdout.contains("triggered"), "\(using)")
        #expect(d(["run", "--rm", "onuse", "sh", "-c", "cat /onb; echo $X"]).stdout == "triggered\n1\n")
        #expect(d(["inspect", "-f", "{{json .Config.OnBuild}}", "onuse"]).stdout == "null\n")
        try "FROM busybox\nONBUILD FROM busybox\n".write(toFile: work + "/hosts/Dockerfile", atomically: true, encoding: .utf8)
        #expect(d(["build", work + "/hosts"]).stderr.contains("FROM isn't allowed as an ONBUILD trigger"))

        // compressed contexts: gzip, bzip2 and xz, as dockerd takes them on stdin
        try "FROM busybox\nCOPY f /f\n".write(toFile: work + "/ctx/Dockerfile", atomically: true, encoding: .utf8)
        try "packed\n".write(toFile: work + "/ctx/f", atomically: true, encoding: .utf8)
        for (flag, name) in [("-z", "gz"), ("-j", "bz"), ("-J", "xz")] {
            let archive = work + "/ctx." + name
            #expect(Harness.run(["tar", "-C", work + "/ctx", flag, "-cf", archive, "."]).status == 0)
            let b = Harness.run(["sh", "-c", "docker build -t ctx-\(name) - < \(archive)"], env: h.dockerEnvironment("api2"))
            #expect(b.status == 0, "\(name): \(b.stderr)")
            #expect(d(["run", "--rm", "ctx-" + name, "cat", "/f"]).stdout == "packed\n", "\(name)")
        }
        let pyGzip = py("""
            import tarfile
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode='w:gz') as t:
                t.add('\(work)/ctx', arcname='.')
            buf.seek(0)
            img, _ = c.images.build(fileobj=buf, custom_context=True, encoding='gzip', tag='ctx-py')
            print(c.containers.run('ctx-py', 'cat /f', remove=True).decode().strip())
            """)
        #expect(pyGzip.stdout == "packed\n", "\(pyGzip.stderr.suffix(400))")

        // RUN steps see --add-host and run in --network
        try "FROM busybox\nRUN grep db.lab /etc/hosts; ip -o link | grep -vc ': lo:'; true\n".write(
            toFile: work + "/hosts/Dockerfile", atomically: true, encoding: .utf8)
        let withHost = d(["build", "--no-cache", "--add-host", "db.lab:10.7.7.7", work + "/hosts"])
        #expect(withHost.stdout.contains("10.7.7.7\tdb.lab"), "\(withHost)")
        let isolated = d(["build", "--no-cache", "--network", "none", work + "/hosts"])
        #expect(isolated.stdout.contains("\n0\n"), "\(isolated)")
        let pyBuild = py("""
            _, logs = c.images.build(path='\(work)/hosts', extra_hosts={'db.lab': '10.8.8.8'}, network_mode='none', nocache=True)
            print(''.join(l.get('stream', '') for l in logs))
            """)
        #expect(pyBuild.stdout.contains("10.8.8.8\tdb.lab") && pyBuild.stdout.contains("\n0\n"), "\(pyBuild)")

        // Bind propagation: reported, refused on a private mount with dockerd's words, and applied (an rslave bind
        // sees what the host mounts under it later; an rprivate one does not)
        let ssh = { (command: String) in h.berth(["ssh", "api2", command]) }
        #expect(ssh("mkdir -p /srv/plain /srv/shared && mount -t tmpfs apishared /srv/shared && mount --make-shared /srv/shared").status == 0)
        defer { _ = ssh("umount -R /srv/shared") }
        let refused = d(["run", "--rm", "-v", "/srv/plain:/x:rslave", "busybox", "true"])
        #expect(refused.stderr.contains("path /srv/plain is mounted on / but it is not a shared or slave mount"), "\(refused)")
        let refusedShared = d(["run", "--rm", "--mount", "type=bind,src=/srv/plain,dst=/x,bind-propagation=rshared", "busybox", "true"])
        #expect(refusedShared.stderr.contains("is mounted on / but it is not a shared mount"), "\(refusedShared)")
        #expect(d(["run", "-d", "--name", "slave", "-v", "/srv/shared:/x:rslave", "busybox", "sleep", "300"]).status == 0)
        #expect(d(["run", "-d", "--name", "private", "-v", "/srv/shared:/x", "busybox", "sleep", "300"]).status == 0)
        #expect(d(["inspect", "-f", "{{range .Mounts}}{{.Propagation}}{{end}}", "slave", "private"]).stdout == "rslave\nrprivate\n")
        #expect(ssh("mkdir -p /srv/shared/later && mount -t tmpfs apilater /srv/shared/later").status == 0)
        #expect(d(["exec", "slave", "grep", "-c", "apilater", "/proc/mounts"]).stdout == "1\n")
        #expect(d(["exec", "private", "grep", "-c", "apilater", "/proc/mounts"]).stdout == "0\n")
        #expect(d(["rm", "-f", "slave", "private"]).status == 0)

        // --mac-address and --link-local-ip on the endpoint; docker-py's mac_address (Config.MacAddress)
        #expect(d(["network", "create", "llnet"]).status == 0)
        let mac = d(["run", "--rm", "--mac-address", "02:42:0a:00:00:99", "busybox", "cat", "/sys/class/net/eth0/address"])
        #expect(mac.stdout == "02:42:0a:00:00:99\n", "\(mac)")
        let pyMac = py("print(c.containers.run('busybox', 'cat /sys/class/net/eth0/address', mac_address='02:42:0a:00:00:98', remove=True).decode().strip())")
        #expect(pyMac.stdout == "02:42:0a:00:00:98\n", "\(pyMac)")
        #expect(d(["run", "--rm", "--mac-address", "02:42:zz:00:00:99", "busybox", "true"]).status != 0)
        let ll = d(["run", "--rm", "--network", "llnet", "--link-local-ip", "169.254.7.7", "busybox", "ip", "-4", "-o", "addr", "show", "eth0"])
        #expect(ll.stdout.contains("169.254.7.7/16"), "\(ll)")
        #expect(d(["network", "rm", "llnet"]).status == 0)

        // IPv6 on a bridge network: addresses from the subnet after the gateway (::1), --ip6, a default route,
        // /etc/hosts and inspect as dockerd fills them; a v6 subnet without --ipv6 is kept but not used
        #expect(d(["network", "create", "--ipv6", "--subnet", "2001:db8:1::/64", "v6net"]).status == 0)
        #expect(d(["network", "inspect", "-f", "{{.EnableIPv6}} {{json .IPAM.Config}}", "v6net"]).stdout
            .hasSuffix(",{\"Subnet\":\"2001:db8:1::/64\"}]\n"))
        #expect(d(["run", "-d", "--name", "six", "--network", "v6net", "busybox", "sleep", "300"]).status == 0)
        #expect(d(["run", "-d", "--name", "sixb", "--network", "v6net", "--ip6", "2001:db8:1::99", "busybox", "sleep", "300"]).status == 0)
        #expect(d(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}/{{.GlobalIPv6PrefixLen}} via {{.IPv6Gateway}}{{end}}",
                   "six"]).stdout == "2001:db8:1::2/64 via 2001:db8:1::1\n")
        let route6 = d(["exec", "six", "ip", "-6", "route", "show", "default"])
        #expect(route6.stdout.hasPrefix("default via 2001:db8:1::1 dev eth0"), "\(route6)")
        let ping6 = d(["exec", "six", "ping", "-6", "-c", "1", "-W", "3", "2001:db8:1::99"])
        #expect(ping6.status == 0, "\(ping6)")
        #expect(d(["exec", "six", "grep", "-c", "^2001:db8:1::2\t", "/etc/hosts"]).stdout == "1\n")
        let pySix = py("print(c.api.inspect_network('v6net')['EnableIPv6'], sorted(c.api.inspect_network('v6net')['Containers'][x]['IPv6Address'] for x in c.api.inspect_network('v6net')['Containers']))")
        #expect(pySix.stdout == "True ['2001:db8:1::2/64', '2001:db8:1::99/64']\n", "\(pySix)")
        #expect(d(["rm", "-f", "six", "sixb"]).status == 0 && d(["network", "rm", "v6net"]).status == 0)
        #expect(d(["network", "create", "--subnet", "2001:db8:9::/64", "v6kept"]).status == 0)
        #expect(d(["network", "inspect", "-f", "{{.EnableIPv6}}", "v6kept"]).stdout == "false\n")
        #expect(d(["run", "--rm", "--network", "v6kept", "busybox", "sh", "-c", "ip -6 addr show scope global | grep -c inet6"]).stdout == "0\n")
        #expect(d(["network", "rm", "v6kept"]).status == 0)
        #expect(d(["network", "create", "--subnet", "2001:db8:1::/129", "badv6"]).stderr.contains("invalid subnet"))

        // --aux-address is kept, shown and never handed out; a container disconnected from the network its
        // --network names keeps that mode and can be connected again
        #expect(d(["network", "create", "--subnet", "172.31.9.0/24", "--aux-address", "router=172.31.9.2", "auxnet"]).status == 0)
        #expect(d(["network", "inspect", "-f", "{{json .IPAM.Config}}", "auxnet"]).stdout
            == "[{\"Subnet\":\"172.31.9.0/24\",\"Gateway\":\"172.31.9.1\",\"AuxiliaryAddresses\":{\"router\":\"172.31.9.2\"}}]\n")
        #expect(d(["run", "-d", "--name", "recon", "--network", "auxnet", "busybox", "sleep", "300"]).status == 0)
        #expect(d(["inspect", "-f", "{{.NetworkSettings.Networks.auxnet.IPAddress}}", "recon"]).stdout == "172.31.9.3\n")
        #expect(d(["network", "disconnect", "auxnet", "recon"]).status == 0)
        #expect(d(["inspect", "-f", "{{.HostConfig.NetworkMode}} {{len .NetworkSettings.Networks}}", "recon"]).stdout == "auxnet 0\n")
        let again = d(["network", "connect", "auxnet", "recon"])
        #expect(again.status == 0, "\(again)")
        #expect(d(["exec", "recon", "ip", "-o", "-4", "addr", "show", "eth0"]).stdout.contains("172.31.9."))
        #expect(d(["network", "connect", "auxnet", "recon"]).status != 0)  // already connected
        #expect(d(["rm", "-f", "recon"]).status == 0 && d(["network", "rm", "auxnet"]).status == 0)

        // network names as dockerd takes them: spaces, slashes, any script
        for name in ["with space", "a/b", "ünï"] {
            #expect(d(["network", "create", name]).status == 0, "\(name)")
            #expect(d(["network", "inspect", "-f", "{{.Name}}", name]).stdout == name + "\n")
            let on = d(["run", "--rm", "--network", name, "busybox", "cat", "/sys/class/net/eth0/operstate"])
            #expect(on.stdout == "up\n", "\(name): \(on)")
            #expect(d(["network", "rm", name]).status == 0, "\(name)")
        }
    }

    /// What a container may do, as dockerd decides it: capabilities (dockerd's default set, --cap-add/--cap-drop,
    /// --privileged, none for a non-root user), --ulimit, --sysctl, --shm-size, --pid/--uts host, --device,
    /// --domainname; an exec has the container's capabilities, all with --privileged.
    @Test func privilegesAndNamespaces() throws {
        let h = Harness("api-c")
        defer { h.cleanup(["api3"]) }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btapic", "--lab-subnet", "10.213.127.0/24", "api3"])
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-api-c-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        try #require(Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar]).status == 0)
        let d = { (args: [String]) in h.docker("api3", args) }
        try #require(d(["import", tar, "busybox"]).status == 0)
        let caps = { (args: [String]) -> String in
            let out = d(["run", "--rm"] + args + ["busybox", "grep", "-E", "^Cap(Eff|Bnd)", "/proc/self/status"]).stdout
            return out.split(separator: "\n").map { $0.split(separator: "\t").last.map(String.init) ?? "" }.joined(separator: " ")
        }
        #expect(caps([]) == "00000000a80425fb 00000000a80425fb")            // dockerd's default set
        #expect(caps(["-u", "1000"]) == "0000000000000000 00000000a80425fb")  // a non-root user keeps none
        #expect(caps(["--cap-drop", "ALL", "--cap-add", "CHOWN"]) == "0000000000000001 0000000000000001")
        #expect(caps(["--cap-add", "NET_ADMIN"]) == "00000000a80435fb 00000000a80435fb")
        #expect(caps(["--privileged"]).hasPrefix("000001ff"))
        let chown = d(["run", "--rm", "--cap-drop", "CHOWN", "busybox", "chown", "1", "/tmp"])
        #expect(chown.status != 0 && chown.stderr.contains("Operation not permitted"), "\(chown)")
        #expect(d(["run", "--rm", "--cap-add", "BOGUS", "busybox", "true"]).stderr.contains("unknown capability: \"CAP_BOGUS\""))
        #expect(d(["run", "-d", "--name", "pex", "busybox", "sleep", "300"]).status == 0)
        #expect(d(["exec", "pex", "grep", "CapEff", "/proc/self/status"]).stdout == "CapEff:\t00000000a80425fb\n")
        #expect(d(["exec", "--privileged", "pex", "grep", "-c", "CapEff:\t000001ff", "/proc/self/status"]).stdout == "1\n")
        #expect(d(["rm", "-f", "pex"]).status == 0)

        let limits = d(["run", "--rm", "--ulimit", "nofile=1024:2048", "--sysctl", "net.ipv4.ip_forward=1", "--shm-size", "128m",
                        "--hostname", "h1", "--domainname", "lab.test", "--device", "/dev/null:/dev/xnull", "busybox", "sh", "-c",
                        "ulimit -n; ulimit -Hn; cat /proc/sys/net/ipv4/ip_forward; grep -o 'size=[0-9]*k' /proc/self/mountinfo | "
                        + "grep -c 131072k; hostname; cat /proc/sys/kernel/domainname; test -c /dev/xnull && echo device"])
        #expect(limits.stdout == "1024\n2048\n1\n1\nh1\nlab.test\ndevice\n", "\(limits)")
        #expect(d(["run", "--rm", "--uts", "host", "busybox", "hostname"]).stdout == "api3\n")
        let pids = d(["run", "--rm", "--pid", "host", "busybox", "sh", "-c", "ls /proc | grep -c '^[0-9]'"])
        #expect((Int(pids.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 3, "\(pids)")
        #expect(d(["create", "--name", "shown", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--ulimit", "nofile=100:200",
                   "--shm-size", "32m", "--pid", "host", "--device", "/dev/null:/dev/x", "busybox", "true"]).status == 0)
        let shown = d(["inspect", "-f", "{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}} {{json .HostConfig.Ulimits}} "
                       + "{{.HostConfig.ShmSize}} {{.HostConfig.PidMode}} {{json .HostConfig.Devices}}", "shown"])
        #expect(shown.stdout == "[\"CAP_NET_ADMIN\"] [\"CAP_MKNOD\"] [{\"Name\":\"nofile\",\"Hard\":200,\"Soft\":100}] 33554432 host "
                + "[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":\"/dev/x\",\"CgroupPermissions\":\"rwm\"}]\n", "\(shown)")
        #expect(d(["rm", "shown"]).status == 0)
        #expect(d(["run", "--rm", "--device", "/dev/nosuch", "busybox", "true"]).status != 0)

        // API 1.50, the CLI's own, answered as dockerd answers each version it is asked at
        #expect(d(["version", "-f", "{{.Server.APIVersion}} {{.Client.APIVersion}}"]).stdout == "1.50 1.50\n")
        var pyEnv = h.dockerEnvironment("api3")
        pyEnv["REQUESTS_CA_BUNDLE"] = nil
        pyEnv["CURL_CA_BUNDLE"] = nil
        let versions = Harness.run(["python3", "-c", """
            import docker
            new, old = docker.from_env(version='1.50').api, docker.from_env(version='1.41').api
            print('BridgeNfIptables' in new.info(), 'BridgeNfIptables' in old.info(), new.info()['FirewallBackend']['Driver'],
                  'FirewallBackend' in old.info())
            print('Hostname' in new.inspect_image('busybox')['Config'], 'Hostname' in old.inspect_image('busybox')['Config'])
            x = new.create_container('busybox', 'true')
            print(new.inspect_container(x['Id'])['NetworkSettings']['Networks']['bridge']['GwPriority'])
            new.remove_container(x['Id'])
            """], env: pyEnv)
        #expect(versions.stdout == "False True iptables False\nFalse True\n0\n", "\(versions)")
    }

    /// What docker-py 7.1's own integration suite found missing (its tests run against a lab host): exec framing,
    /// exec failures, list filters in both forms, stats keys, HostConfig echoes, anonymous volumes, links on a user
    /// network, save by ID, commit parents, and multi-stage builds with --target and --cache-from; and `--init`
    /// and AAAA answers.
    @Test func dockerPySuiteFindings() throws {
        let h = Harness("api-d")
        defer { h.cleanup(["api4"]) }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btapid", "--lab-subnet", "10.213.142.0/24", "api4"])
        try #require(created.status == 0, "\(created.stderr)")
        let work = NSTemporaryDirectory() + "berth-api-d-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/ctx", withIntermediateDirectories: true)
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", work + "/bb.tar"])
        try #require(built.status == 0, "\(built.stderr)")
        let d = { (args: [String]) in h.docker("api4", args) }
        try #require(d(["import", work + "/bb.tar", "bb"]).status == 0)
        #expect(d(["tag", "bb", "bb:other"]).status == 0)
        var pyEnv = h.dockerEnvironment("api4")
        pyEnv["REQUESTS_CA_BUNDLE"] = nil
        pyEnv["CURL_CA_BUNDLE"] = nil
        let py = { (script: String) in Harness.run(["python3", "-c", "import docker, json\nc = docker.from_env()\n" + script], env: pyEnv) }

        // exec: the terminal is exec create's, the framing exec start's; 126 for any exec that cannot start.
        #expect(d(["run", "-d", "--name", "ex", "bb", "sleep", "300"]).status == 0)
        let framed = py("""
            e = c.api.exec_create('ex', 'sh -c "echo out; echo err >&2"', tty=True)
            print(repr(c.api.exec_start(e, demux=True)))
            x = c.containers.get('ex')
            print(x.exec_run('nosuch')[0], x.exec_run('/etc/passwd')[0])
            s = x.stats(stream=False)
            print(all(k in s for k in ['blkio_stats', 'num_procs', 'storage_stats', 'pids_stats', 'precpu_stats']),
                  'usage_in_usermode' in s['cpu_stats']['cpu_usage'])
            """)
        #expect(framed.stdout == "(b'out\\r\\nerr\\r\\n', None)\n126 126\nTrue True\n", "\(framed)")

        // HostConfig fields dockerd echoes; a volume made without a name is anonymous and pruned.
        let echoed = py("""
            x = c.containers.create('bb', 'true', cpuset_cpus='0', isolation='default', volume_driver='local',
                                    device_cgroup_rules=['c 7:128 rwm'], oom_score_adj=5)
            h = x.attrs['HostConfig']
            print(h['CpusetCpus'], h['Isolation'], h['VolumeDriver'], h['DeviceCgroupRules'], h['OomScoreAdj'])
            x.remove()
            v = c.api.create_volume()
            print(v['Name'] in c.api.prune_volumes()['VolumesDeleted'])
            """)
        #expect(echoed.stdout == "0 default local ['c 7:128 rwm'] 5\nTrue\n", "\(echoed)")

        // --init: PID 1 is a minimal init that hands signals on and ends with the process's status.
        #expect(d(["run", "--rm", "--init", "bb", "ps", "-o", "pid,comm"]).stdout.contains("1 docker-init"))
        #expect(d(["run", "--rm", "--init", "bb", "sh", "-c", "exit 7"]).status == 7)
        #expect(d(["run", "-d", "--name", "inited", "--init", "bb", "sleep", "300"]).status == 0)
        #expect(d(["stop", "-t", "5", "inited"]).status == 0)
        #expect(d(["inspect", "-f", "{{.State.ExitCode}} {{.HostConfig.Init}}", "inited"]).stdout == "143 true\n")
        #expect(d(["rm", "inited"]).status == 0)

        // list filters: docker-py's list form (ids=, names=, name=) and the CLI's map form.
        #expect(d(["network", "create", "--label", "env=lab", "fnet"]).status == 0)
        let listed = py("""
            n = c.networks.get('fnet')
            print([x.name for x in c.networks.list(ids=[n.id[:8]])], c.networks.list(ids=['nosuchid']),
                  [x.name for x in c.networks.list(names=['fnet'])])
            print([t for i in c.images.list(name='bb') for t in i.tags])
            """)
        #expect(listed.stdout == "['fnet'] [] ['fnet']\n['bb:latest', 'bb:other']\n", "\(listed)")
        #expect(d(["network", "ls", "--filter", "label=env=lab", "--format", "{{.Name}}"]).stdout == "fnet\n")
        #expect(d(["images", "--filter", "reference=bb:oth*", "--format", "{{.Repository}}:{{.Tag}}"]).stdout == "bb:other\n")

        // network prune takes dockerd's filters: label! keeps fnet, until keeps what is newer.
        #expect(d(["network", "create", "pk2"]).status == 0)
        #expect(d(["network", "prune", "-f", "--filter", "until=1h"]).stdout.contains("pk2") == false)
        let pruned = d(["network", "prune", "-f", "--filter", "label!=env"])
        #expect(pruned.stdout.contains("pk2") && !pruned.stdout.contains("fnet"), "\(pruned)")

        // a link on a user network: the alias resolves for the linking container only.
        #expect(d(["run", "-d", "--name", "up1", "--network", "fnet", "bb", "sleep", "300"]).status == 0)
        let linked = d(["run", "--rm", "--network", "fnet", "--link", "up1:bar", "bb", "nslookup", "bar"])
        #expect(linked.status == 0 && linked.stdout.contains("Name:\tbar"), "\(linked)")
        #expect(d(["run", "--rm", "--network", "fnet", "bb", "nslookup", "bar"]).status != 0)
        #expect(d(["rm", "-f", "up1", "ex"]).status == 0)
        #expect(d(["network", "rm", "fnet"]).status == 0)

        // AAAA answers on an IPv6 network: a container reaches another by name over IPv6.
        #expect(d(["network", "create", "--ipv6", "--subnet", "2001:db8:42::/64", "v6net"]).status == 0)
        #expect(d(["run", "-d", "--name", "v6a", "--network", "v6net", "bb", "sleep", "300"]).status == 0)
        let aaaa = d(["run", "--rm", "--network", "v6net", "bb", "nslookup", "-type=aaaa", "v6a"])
        #expect(aaaa.stdout.contains("Address: 2001:db8:42::2"), "\(aaaa)")
        #expect(d(["run", "--rm", "--network", "v6net", "bb", "ping", "-6", "-c1", "-W2", "v6a"]).status == 0)
        #expect(d(["rm", "-f", "v6a"]).status == 0)
        #expect(d(["network", "rm", "v6net"]).status == 0)

        // save by ID leaves the image untagged, by repository takes each tag; commit records its parent.
        let id = d(["inspect", "-f", "{{.Id}}", "bb"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(d(["save", "-o", work + "/byid.tar", id]).status == 0)
        #expect(Harness.run(["tar", "-xOf", work + "/byid.tar", "manifest.json"]).stdout.contains("\"RepoTags\":null"))
        #expect(d(["save", "-o", work + "/byrepo.tar", "bb"]).status == 0)
        #expect(Harness.run(["tar", "-xOf", work + "/byrepo.tar", "manifest.json"]).stdout.contains("[\"bb:latest\",\"bb:other\"]"))
        #expect(d(["run", "--name", "tocommit", "bb", "touch", "/made"]).status == 0)
        #expect(d(["commit", "tocommit", "committed"]).status == 0)
        #expect(d(["inspect", "-f", "{{.Parent}}", "committed"]).stdout == id + "\n")
        #expect(d(["rm", "tocommit"]).status == 0)

        // --mount type=image: an image's files (or a directory of them) read-only in another container.
        #expect(d(["run", "--rm", "--mount", "type=image,source=committed,target=/img", "bb", "sh", "-c",
                   "ls /img/made && touch /img/x"]).stderr.contains("Read-only file system"))
        #expect(d(["run", "--rm", "--mount", "type=image,source=bb,target=/e,image-subpath=etc", "bb", "cat", "/e/group"])
                    .stdout.hasPrefix("root:x:0:"))
        let noImage = d(["run", "--rm", "--mount", "type=image,source=nosuchimage,target=/e", "bb", "true"])
        #expect(noImage.status != 0 && noImage.stderr.contains("No such image: nosuchimage"), "\(noImage)")

        // multi-stage: a stage by name, COPY --from a stage and an image, --target; --cache-from.
        try """
            FROM bb AS first
            RUN echo made > /tmp/made
            FROM bb
            COPY --from=first /tmp/made /made
            COPY --from=committed /made /also
            RUN sh -c '>&2 echo to-stderr'
            """.write(toFile: work + "/ctx/Dockerfile", atomically: true, encoding: .utf8)
        let multi = Harness.run(["docker", "build", "-t", "multi", work + "/ctx"],
                                env: h.dockerEnvironment("api4").merging(["DOCKER_BUILDKIT": "0"]) { $1 })
        #expect(multi.status == 0 && multi.stdout.contains("\u{1b}[91mto-stderr\n\u{1b}[0m"), "\(multi)")
        #expect(d(["run", "--rm", "multi", "sh", "-c", "cat /made; ls /also"]).stdout == "made\n/also\n")
        let target = Harness.run(["docker", "build", "--target", "first", "-t", "first", work + "/ctx"],
                                 env: h.dockerEnvironment("api4").merging(["DOCKER_BUILDKIT": "0"]) { $1 })
        #expect(target.status == 0 && !target.stdout.contains("Step 3/6"), "\(target)")
        #expect(d(["run", "--rm", "first", "cat", "/tmp/made"]).stdout == "made\n")
        let cached = py("""
            import io
            df = io.BytesIO(b'FROM bb\\nENV A=1\\nRUN touch /x\\n')
            list(c.api.build(fileobj=df, tag='cf1'))
            def hits(**kw):
                df.seek(0)
                return sum('Using cache' in l.get('stream', '') for l in c.api.build(fileobj=df, decode=True, **kw))
            print(hits(cache_from=['cf1']), hits(cache_from=['nosuchtag']), hits())
            """)
        #expect(cached.stdout == "2 0 2\n", "\(cached)")
    }
}
