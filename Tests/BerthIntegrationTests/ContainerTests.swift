import Foundation
import Testing

/// Containers and images on a lab host, driven by the stock docker CLI (issue 5).
@Suite(.serialized, .enabled(if: Harness.enabled))
struct ContainerTests {
    static let network = ["--lab-network", "btctr2", "--lab-subnet", "10.213.103.0/24"]
    /// Container supervisors of this lab host (lab hosts share the PID namespace: match the network namespace).
    static let countShims = "n=0; me=$(readlink /proc/self/ns/net); for p in $(pgrep -f '[s]him /var/lib/berth/containers'); "
        + "do [ \"$(readlink /proc/$p/ns/net)\" = \"$me\" ] && n=$((n+1)); done; echo $n"

    /// A lab host with the busybox rootfs imported as `bb`; `body` gets a docker runner for it.
    func withHost(_ tag: String, _ machine: String, network: [String] = ContainerTests.network,
                  _ body: (Harness, _ docker: @escaping ([String], String?) -> Harness.Output) throws -> Void) throws {
        let h = Harness(tag)
        defer { h.cleanup([machine]) }
        let created = h.berth(["create", "-d", "lab"] + network + [machine])
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-\(getpid())-\(tag).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        let env = h.dockerEnvironment(machine)
        let docker = { (args: [String], stdin: String?) in Harness.run(["docker"] + args, env: env, stdin: stdin) }
        let imported = docker(["import", tar, "bb"], nil)
        try #require(imported.stdout.hasPrefix("sha256:"), "\(imported.stderr)")
        try body(h, docker)
    }

    /// `docker ARGS` on a pseudo-terminal, typing `input` line by line (Tests/scripts/ptyrun.py).
    static func onTerminal(_ docker: [String], input: String, env: [String: String]) -> Harness.Output {
        Harness.run(["python3", Harness.repo + "/Tests/scripts/ptyrun.py", "--rows", "30", "--cols", "100",
                     "--timeout", "60", "--"] + ["docker"] + docker, env: env, stdin: input)
    }

    /// The issue's "Done when" list, interactive paths included.
    @Test func importRunExecLogsStopRemove() throws {
        try withHost("ctr", "ctr1") { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            #expect(d(["images"]).stdout.contains("bb "))

            let hi = d(["run", "--rm", "bb", "echo", "hi"])
            #expect(hi.status == 0 && hi.stdout == "hi\n")
            // stdin through the hijacked attach stream, ended by the client's half-close
            let piped = docker(["run", "-i", "--rm", "bb", "cat"], "x\ny\n")
            #expect(piped.status == 0 && piped.stdout == "x\ny\n", "\(piped)")
            let code = d(["run", "--rm", "bb", "sh", "-c", "exit 3"])
            #expect(code.status == 3)

            let missing = d(["run", "--rm", "bb", "nosuch"])
            #expect(missing.status == 127)
            #expect(missing.stderr.contains("executable file not found"))

            #expect(d(["run", "-d", "--name", "web", "bb", "httpd", "-f", "-p", "80"]).status == 0)
            let inUse = d(["run", "-d", "--name", "web", "bb", "true"])
            #expect(inUse.status != 0 && inUse.stderr.contains("is already in use"))
            let ps = d(["exec", "web", "ps"])
            #expect(ps.status == 0 && ps.stdout.contains("httpd -f -p 80"))
            #expect(d(["ps", "-q"]).lines.count == 1)

            // exec -it: a shell on a terminal, sized by the client (resize), its exit code passed back
            let env = h.dockerEnvironment("ctr1")
            let shell = Self.onTerminal(["exec", "-it", "web", "sh"],
                                        input: "echo hi-$((1+2))\nstty size\nexit 3\n", env: env)
            #expect(shell.status == 3, "\(shell.stdout)")
            #expect(shell.stdout.contains("hi-3") && shell.stdout.contains("30 100"), "\(shell.stdout)")
            // run -it: the container's own terminal
            let runIt = Self.onTerminal(["run", "-it", "--rm", "bb", "sh"],
                                        input: "echo in-$((2+2))\nstty size\nexit 4\n", env: env)
            #expect(runIt.status == 4, "\(runIt.stdout)")
            #expect(runIt.stdout.contains("in-4") && runIt.stdout.contains("30 100"), "\(runIt.stdout)")

            // logs -f follows until the container exits; --tail and -t
            #expect(d(["run", "-d", "--name", "lg", "bb", "sh", "-c",
                       "for i in 1 2 3; do echo l$i; sleep 0.3; done; echo e >&2"]).status == 0)
            let follow = d(["logs", "-f", "lg"])
            #expect(follow.status == 0 && follow.stdout == "l1\nl2\nl3\n" && follow.stderr == "e\n", "\(follow)")
            #expect(d(["logs", "--tail", "2", "lg"]).stdout == "l3\n")
            let stamped = d(["logs", "-t", "--tail", "1", "lg"]).stderr
            #expect(stamped.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z e\n$"#, options: .regularExpression) != nil,
                    "\(stamped)")

            #expect(d(["logs", "web"]).status == 0)
            #expect(d(["stop", "-t", "1", "web"]).status == 0)
            #expect(d(["inspect", "-f", "{{.State.ExitCode}}", "web"]).stdout == "137\n")
            #expect(d(["rm", "-f", "web"]).status == 0)
            #expect(d(["rm", "-f", "lg"]).status == 0)
            #expect(d(["ps", "-a", "-q"]).stdout.isEmpty)

            #expect(d(["image", "inspect", "nosuch"]).stderr.contains("No such image: nosuch"))
            #expect(d(["rm", "nosuch"]).stderr.contains("No such container: nosuch"))
            // Nothing of the containers is left behind.
            #expect(h.berth(["ssh", "ctr1", Self.countShims]).stdout == "0\n")
        }
    }

    /// Agent restarts and upgrades leave running containers running, and exits while it was down are recorded.
    @Test func agentRestartKeepsContainers() throws {
        try withHost("ctr-restart", "ctr2") { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            #expect(d(["run", "-d", "--name", "web", "bb", "httpd", "-f", "-p", "80"]).status == 0)
            #expect(d(["run", "-d", "--name", "short", "bb", "sh", "-c", "echo before; sleep 2; echo after; exit 7"])
                .status == 0)
            // Kill the agent; its launcher starts it again.
            #expect(h.berth(["ssh", "ctr2", "kill -KILL $(cat /run/berth/berthd.pid)"]).status == 0)
            Thread.sleep(forTimeInterval: 3.5)
            var up = false
            for _ in 0..<50 where !up {
                up = d(["version"]).status == 0
                if !up { Thread.sleep(forTimeInterval: 0.2) }
            }
            #expect(up)
            #expect(d(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "short"]).stdout == "exited 7\n")
            #expect(d(["logs", "short"]).stdout == "before\nafter\n")
            let alive = d(["exec", "web", "echo", "alive"])
            #expect(alive.status == 0 && alive.stdout == "alive\n", "\(alive)")
            // `berth upgrade` only replaces a different binary: the same agent with one byte appended.
            let copy = NSTemporaryDirectory() + "berthd-upgrade-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: copy) }
            #expect(Harness.run(["sh", "-c", "cp \"$BERTH_AGENT\" \(copy) && printf x >> \(copy)"]).status == 0)
            let upgraded = h.berth(["upgrade", "ctr2"], extraEnv: ["BERTH_AGENT": copy])
            #expect(upgraded.status == 0, "\(upgraded.stderr)")
            #expect(d(["exec", "web", "echo", "again"]).stdout == "again\n")
            #expect(d(["ps", "-q", "--filter", "name=web"]).lines.count == 1)
            #expect(d(["stop", "-t", "1", "web"]).status == 0)
            #expect(d(["inspect", "-f", "{{.State.ExitCode}}", "web"]).stdout == "137\n")
        }
    }

    /// Restart policies when the agent starts, as dockerd's at daemon start. An agent restart re-adopts running
    /// containers (nothing starts twice); `berth restart` takes the lab host down, which kills its containers, and
    /// then only the `always` one comes back: not the `unless-stopped` one `docker stop` stopped, not the `no` one.
    @Test func restartPoliciesAtBoot() throws {
        try withHost("ctr-boot", "ctr5") { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            defer { _ = d(["rm", "-f", "always", "unless", "never"]) }
            for (name, policy) in [("always", "always"), ("unless", "unless-stopped"), ("never", "no")] {
                let run = d(["run", "-d", "--name", name, "--restart", policy, "bb", "sleep", "1000"])
                #expect(run.status == 0, "\(run.stderr)")
            }
            #expect(d(["stop", "-t", "1", "unless"]).status == 0)
            let running = "{{.Name}} {{.State.Running}} {{.State.Pid}} {{.RestartCount}}"
            let before = d(["inspect", "-f", running, "always", "never"]).stdout

            // Kill the agent; its launcher starts it again, and it finds both containers still running.
            #expect(h.berth(["ssh", "ctr5", "kill -KILL $(cat /run/berth/berthd.pid)"]).status == 0)
            Thread.sleep(forTimeInterval: 2)
            var up = false
            for _ in 0..<50 where !up {
                up = d(["version"]).status == 0
                if !up { Thread.sleep(forTimeInterval: 0.2) }
            }
            #expect(up)
            #expect(d(["inspect", "-f", running, "always", "never"]).stdout == before)
            #expect(d(["inspect", "-f", "{{.State.Running}}", "unless"]).stdout == "false\n")

            let restarted = h.berth(["restart", "ctr5"])
            try #require(restarted.status == 0, "\(restarted.stderr)")
            // The agent starts containers once it has loaded them and restored networks: poll.
            let expected = "/always true\n/unless false\n/never false\n"
            var states = ""
            for _ in 0..<50 {
                states = d(["inspect", "-f", "{{.Name}} {{.State.Running}}", "always", "unless", "never"]).stdout
                if states == expected { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            #expect(states == expected)
            let ps = d(["ps", "--format", "{{.Names}} {{.Status}}"])
            #expect(ps.lines.count == 1 && ps.stdout.hasPrefix("always Up "), "\(ps.stdout)")
            let alive = d(["exec", "always", "echo", "alive"])
            #expect(alive.status == 0 && alive.stdout == "alive\n", "\(alive)")
            #expect(d(["inspect", "-f", "{{.State.Status}}", "never"]).stdout == "exited\n")
        }
    }

    /// create/start, wait, restart policies, run options, ps filters.
    @Test func lifecycleAndOptions() throws {
        try withHost("ctr-life", "ctr3") { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            let opts = d(["run", "--rm", "-e", "A=b", "-w", "/tmp", "-h", "box", "-u", "65534:65534",
                          "--entrypoint", "sh", "bb", "-c", "echo $A $(pwd) $(hostname) $(id -u):$(id -g)"])
            #expect(opts.stdout == "b /tmp box 65534:65534\n", "\(opts)")

            let created = d(["create", "--name", "later", "bb", "sh", "-c", "exit 5"])
            #expect(created.status == 0)
            #expect(d(["ps", "-a", "--filter", "status=created", "--format", "{{.Names}}"]).stdout == "later\n")
            #expect(d(["start", "later"]).status == 0)
            #expect(d(["wait", "later"]).stdout == "5\n")
            #expect(d(["ps", "-a", "-q", "--filter", "exited=5"]).lines.count == 1)
            #expect(d(["ps", "-q", "--filter", "status=running"]).stdout.isEmpty)

            // on-failure:2 restarts twice, then stays exited
            #expect(d(["run", "-d", "--name", "flaky", "--restart", "on-failure:2", "bb", "sh", "-c", "exit 1"])
                .status == 0)
            var count = ""
            for _ in 0..<50 {
                count = d(["inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "flaky"]).stdout
                if count == "2 exited\n" { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            #expect(count == "2 exited\n")
            // always restarts after the process exits; docker stop ends that
            #expect(d(["run", "-d", "--name", "always", "--restart", "always", "--label", "tier=x", "bb", "sh", "-c",
                       "sleep 0.3"]).status == 0)
            Thread.sleep(forTimeInterval: 1.5)
            let restarts = Int(d(["inspect", "-f", "{{.RestartCount}}", "always"]).stdout.dropLast()) ?? 0
            #expect(restarts >= 1)
            #expect(d(["ps", "-a", "-q", "--filter", "label=tier=x"]).lines.count == 1)
            #expect(d(["stop", "-t", "1", "always"]).status == 0)
            Thread.sleep(forTimeInterval: 0.8)
            #expect(d(["inspect", "-f", "{{.State.Running}}", "always"]).stdout == "false\n")
            #expect(d(["run", "--restart", "sometimes", "bb", "true"]).status != 0)
            // Between two restarts it is "restarting", inspected as running, as with dockerd; rm without -f is
            // refused, stop ends the back-off
            #expect(d(["run", "-d", "--name", "backoff", "--restart", "always", "bb", "sh", "-c", "exit 3"]).status == 0)
            var state = ""
            for _ in 0..<100 {
                state = d(["inspect", "-f", "{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.State.ExitCode}}",
                           "backoff"]).stdout
                if state == "restarting true true 3\n" { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(state == "restarting true true 3\n")
            #expect(d(["ps", "--filter", "name=backoff", "--format", "{{.Status}}"]).stdout.hasPrefix("Restarting (3) "))
            #expect(d(["rm", "backoff"]).status != 0)
            #expect(d(["stop", "backoff"]).status == 0)
            #expect(d(["inspect", "-f", "{{.State.Status}} {{.State.Running}} {{.State.Restarting}}", "backoff"]).stdout
                    == "exited false false\n")
            #expect(d(["rm", "backoff"]).status == 0)

            #expect(d(["restart", "-t", "1", "later"]).status == 0)
            #expect(d(["ps", "-a", "--filter", "ancestor=bb", "-q"]).lines.count == 3)
            #expect(d(["ps", "--filter", "colour=red"]).status != 0)
            #expect(d(["rm", "-f", "later", "flaky", "always"]).status == 0)
        }
    }

    /// cgroup limits (-m, --pids-limit), OOM kills, pause/unpause, top, stats, rename, info counts; nothing left.
    @Test func limitsPauseTopStats() throws {
        try withHost("ctr-cg", "ctr4") { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            let ssh = { (command: String) in h.berth(["ssh", "ctr4", command]).stdout }
            let started = d(["run", "-d", "--name", "lim", "-m", "64m", "--pids-limit", "20", "bb", "sleep", "300"])
            #expect(started.status == 0, "\(started.stderr)")
            let id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(ssh("cat /sys/fs/cgroup/memory/berth/\(id)/memory.limit_in_bytes /sys/fs/cgroup/pids/berth/\(id)/pids.max")
                == "67108864\n20\n")
            // 30 background processes do not fit under a pids limit of 20
            let forks = d(["exec", "lim", "sh", "-c", "for i in $(seq 30); do sleep 1 & done"])
            #expect(forks.stderr.contains("fork"), "\(forks)")
            Thread.sleep(forTimeInterval: 1.5)

            #expect(d(["pause", "lim"]).status == 0)
            #expect(d(["ps", "--format", "{{.Status}}"]).stdout.contains("(Paused)"))
            #expect(d(["info", "-f", "{{.ContainersPaused}} {{.ContainersRunning}}"]).stdout == "1 0\n")
            #expect(ssh("cat /sys/fs/cgroup/freezer/berth/\(id)/freezer.state") == "FROZEN\n")
            #expect(d(["unpause", "lim"]).status == 0)
            #expect(d(["info", "-f", "{{.ContainersPaused}} {{.ContainersRunning}} {{.Driver}}"]).stdout == "0 1 overlay2\n")

            #expect(d(["top", "lim"]).stdout.contains("sleep 300"))
            let stats = d(["stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "lim"]).stdout
            #expect(stats.hasPrefix("lim ") && (Int(stats.dropFirst(4).dropLast()) ?? 99) <= 20, "\(stats)")
            #expect(d(["rename", "lim", "lim2"]).status == 0)
            #expect(d(["inspect", "-f", "{{.Name}}", "lim2"]).stdout == "/lim2\n")

            // an OOM kill: exit 137 and OOMKilled
            let oomID = d(["create", "--name", "oom", "-m", "16m", "bb", "sh", "-c", "x=a; while true; do x=$x$x; done"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let oom = d(["start", "-a", "oom"])
            #expect(!oomID.isEmpty)
            #expect(oom.status == 137, "\(oom)")
            #expect(d(["inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "oom"]).stdout == "true 137\n")

            #expect(d(["rm", "-f", "lim2", "oom"]).status == 0)
            // Nothing is left: no cgroup, no supervisor, no overlay mount.
            let left = ["memory", "pids", "freezer"].flatMap { c in [id, oomID].map { "/sys/fs/cgroup/\(c)/berth/\($0)" } }
            #expect(ssh("ls -d \(left.joined(separator: " ")) 2>/dev/null | wc -l") == "0\n")
            #expect(ssh(Self.countShims) == "0\n")
            #expect(ssh("grep -c /var/lib/berth/containers /proc/self/mountinfo") == "0\n")
        }
    }

    /// `docker stats` of a busy container: a CPU % with --no-stream, and a stream of frames a second apart.
    @Test func statsOfABusyContainer() throws {
        try withHost("ctr-stats", "ctr6") { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            defer { _ = d(["rm", "-f", "busy"]) }
            #expect(d(["run", "-d", "--name", "busy", "bb", "sh", "-c", "while :; do :; done"]).status == 0)
            let once = d(["stats", "--no-stream", "--format", "{{.CPUPerc}}", "busy"]).stdout  // "99.87%"
            let percent = Double(once.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()) ?? 0
            #expect(percent > 10, "\(once)")

            // Streamed, read for a few seconds: the CLI redraws the last frame twice a second, so more than one
            // value means more than one frame (the first has no previous sample to compare with).
            let stats = Process()
            stats.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            stats.arguments = ["docker", "stats", "--format", "{{.CPUPerc}}", "busy"]
            stats.environment = h.dockerEnvironment("ctr6")
            let out = Pipe()
            stats.standardOutput = out
            stats.standardError = FileHandle.nullDevice
            try stats.run()
            Thread.sleep(forTimeInterval: 4)
            kill(stats.processIdentifier, SIGKILL)  // the CLI's stats loop outlives a single SIGTERM
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            stats.waitUntilExit()
            let values = text.split(whereSeparator: { !$0.isNumber && $0 != "." && $0 != "%" })
                .filter { $0.hasSuffix("%") && $0.contains(".") }.map(String.init)
            #expect(Set(values).count > 1, "\(values)")
            #expect(values.contains { (Double($0.dropLast()) ?? 0) > 10 }, "\(values)")

            // docker top: the busy loop has used whole seconds of CPU (TIME), started today (STIME HH:MM).
            let row = d(["top", "busy"]).lines.dropFirst().first?.split(separator: " ").map(String.init) ?? []
            #expect(row.count >= 8 && row[4].count == 5 && row[4].contains(":") && row[6] != "00:00:00"
                    && (Int(row[3]) ?? 0) > 10, "\(row)")
        }
    }

    /// `docker logs --since/--until` (inclusive bounds) with the times of `-t`, as RFC 3339 and as Unix seconds.
    @Test func logsSinceUntil() throws {
        try withHost("ctr-logs", "ctr7") { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            defer { _ = d(["rm", "-f", "ticks"]) }
            #expect(d(["run", "-d", "--name", "ticks", "bb", "sh", "-c", "echo a; sleep 1; echo b; sleep 1; echo c"])
                .status == 0)
            #expect(d(["wait", "ticks"]).stdout == "0\n")
            let stamped = d(["logs", "-t", "ticks"]).lines  // "2026-11-27T06:35:13.123456789Z a"
            try #require(stamped.count == 3, "\(stamped)")
            let times = stamped.map { String($0.prefix { $0 != " " }) }
            #expect(d(["logs", "--since", times[1], "ticks"]).stdout == "b\nc\n")
            #expect(d(["logs", "--until", times[1], "ticks"]).stdout == "a\nb\n")
            #expect(d(["logs", "-t", "--since", times[2], "ticks"]).stdout == stamped[2] + "\n")
            #expect(d(["logs", "--since", "1h", "ticks"]).lines.count == 3)
            // Unix seconds half a second after a and before c select b alone.
            let unix = { (time: String, shift: Double) -> String in
                let seconds = Double(Harness.sh("date -d \(time) +%s.%N").stdout.dropLast()) ?? 0
                return String(format: "%.3f", seconds + shift)
            }
            let window = d(["logs", "--since", unix(times[0], 0.5), "--until", unix(times[2], -0.5), "ticks"])
            #expect(window.stdout == "b\n", "\(window)")
        }
    }
}
