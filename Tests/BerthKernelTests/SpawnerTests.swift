import BerthKernel
import BerthKernelTesting
import Glibc
import Testing

/// The one spawner, against real programs (no root needed), and IPTables driven through a recording one.
@Suite struct SpawnerTests {
    let spawner = SystemSpawner()

    @Test func capturesStdoutAndStderrApartAndFeedsStdin() throws {
        let r = try spawner.run(SpawnRequest(["/bin/sh", "-c", "cat; echo oops >&2; exit 3"], input: Array("in\n".utf8)))
        #expect(r.status == 3)
        #expect(r.output == "in\n")
        #expect(r.errorOutput == "oops\n")
    }

    @Test func toolsGetAFixedEnvironmentAndOneInterleavedOutput() throws {
        setenv("BERTH_SPAWNER_LEAK", "leaks", 1)
        let r = try spawner.run(.tool(["/bin/sh", "-c", "echo a; echo b >&2; echo \"${BERTH_SPAWNER_LEAK:-none} $LC_ALL\""]))
        #expect(r.status == 0)
        #expect(r.output == "a\nb\nnone C\n")
        #expect(r.stderr.isEmpty)
    }

    @Test func searchesPathAndInheritsTheEnvironmentByDefault() throws {
        setenv("BERTH_SPAWNER_TEST", "seen", 1)
        #expect(try spawner.check(SpawnRequest(["sh", "-c", "echo $BERTH_SPAWNER_TEST"])) == "seen\n")
    }

    @Test func aLargeOutputDoesNotBlockTheChild() throws {
        // More than a pipe holds, on both streams at once.
        let r = try spawner.run(SpawnRequest(["/bin/sh", "-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"]))
        #expect(r.stdout.count == 300_000 && r.stderr.count == 300_000)
    }

    @Test func failuresNameTheCommandAndTheLastLine() throws {
        #expect(throws: SpawnFailure.self) { try spawner.check(SpawnRequest(["/bin/sh", "-c", "echo one >&2; echo two >&2; exit 2"])) }
        do {
            try spawner.check(SpawnRequest(["/bin/sh", "-c", "echo one >&2; echo two >&2; exit 2"]))
        } catch let f as SpawnFailure {
            #expect(f.description == "/bin/sh -c echo one >&2; echo two >&2; exit 2: exit 2: two")
        }
        do {
            _ = try spawner.run(SpawnRequest(["/nonexistent/berth-tool"]))
            Issue.record("a missing program started")
        } catch let f as SpawnFailure {
            #expect(f.status == -1)
            #expect(f.description == "/nonexistent/berth-tool: cannot start: No such file or directory")
        }
        let killed = try spawner.run(SpawnRequest(["/bin/sh", "-c", "kill -9 $$"]))
        #expect(killed.status == 128 + 9)
    }

    @Test func startedProcessesWriteToTheirFileInTheirOwnSession() throws {
        let log = "/tmp/berth-spawner-test-\(getpid()).log"
        defer { unlink(log) }
        let pid = try spawner.start(SpawnRequest(["/bin/sh", "-c", "ps -o sid= -p $$; echo err >&2"],
                                                 stdout: .file(log), stderr: .withStdout, newSession: true))
        #expect(try SystemSpawner.wait(pid, command: "sh") == 0)
        let text = String(decoding: try #require(readFile(log)), as: UTF8.self)
        let lines = text.split(separator: "\n").map { String($0.filter { $0 != " " }) }
        #expect(lines == ["\(pid)", "err"])
        #expect(throws: SpawnFailure.self) { try spawner.start(SpawnRequest(["/bin/true"])) }
    }

    @Test func ipTablesBatchesThroughTheSpawner() throws {
        let recorder = RecordingSpawner()
        recorder.responses["/usr/sbin/iptables -w -t nat -C POSTROUTING -j MASQUERADE"] = SpawnResult(status: 1)
        let firewall = IPTables(spawner: recorder)
        try firewall.ensure([["-t", "nat", "-A", "POSTROUTING", "-j", "MASQUERADE"],
                             ["-t", "filter", "-A", "FORWARD", "-j", "ACCEPT"]])
        try firewall.append([["-A", "X", "-j", "DROP"], ["-t", "nat", "-A", "Y", "-j", "RETURN"]])
        #expect(recorder.commands == [
            "/usr/sbin/iptables -w -t nat -C POSTROUTING -j MASQUERADE",
            "/usr/sbin/iptables -w -t filter -C FORWARD -j ACCEPT",
            "/usr/sbin/iptables -w -t nat -A POSTROUTING -j MASQUERADE",
            "/usr/sbin/iptables-restore -w --noflush < *filter\n-A X -j DROP\nCOMMIT\n*nat\n-A Y -j RETURN\nCOMMIT\n",
        ])
        #expect(recorder.requests.allSatisfy { $0.environment == SpawnRequest.toolEnvironment && !$0.searchPath })
    }

    @Test func recordingMountsKeepWhatIsMounted() throws {
        let mounts = RecordingMounts()
        let stack = OverlayStack(lower: ["/l/2", "/l/1"], upper: "/c/upper", work: "/c/work")
        #expect(stack.options == "lowerdir=/l/2:/l/1,upperdir=/c/upper,workdir=/c/work")
        try mounts.mountOverlay(stack, at: "/c/rootfs")
        mounts.failing = ["/busy"]
        #expect(throws: MountFailure.self) { try mounts.bind("/a", at: "/busy", recursive: true) }
        mounts.unmount("/c/rootfs", detach: true)
        #expect(mounts.calls == ["overlay lowerdir=/l/2:/l/1,upperdir=/c/upper,workdir=/c/work at /c/rootfs",
                                 "bind -r /a at /busy", "unmount -l /c/rootfs"])
        #expect(mounts.mounted.isEmpty)
    }

    func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}
