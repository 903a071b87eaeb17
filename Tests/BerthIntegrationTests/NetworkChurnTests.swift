import Foundation
import Testing

/// 100 containers created and removed on a user bridge leave nothing behind on the lab host: no veth, no
/// namespace (`ip netns` and the agent's netns directory), no extra iptables rule tagged berth and no extra mount.
/// They run four at a time through the stock docker CLI; three lanes use `run --rm`, one `run -d` then `rm -f`.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct NetworkChurnTests {
    static let machine = "churn1"

    /// What a container could leave behind on the host, one count per line.
    /// veths other than the lab host's own eth0 (itself a veth), namespaces, sandboxes, berth rules, mounts.
    static let census = "ip -o link show type veth | grep -vc ' eth0@'; ip netns | wc -l; ls /run/berth/netns | wc -l; "
        + "iptables-save | grep -c berth; wc -l < /proc/self/mountinfo"

    @Test func hundredContainersLeaveNothingBehind() throws {
        let h = Harness("churn")
        defer { h.cleanup([Self.machine]) }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btchurn", "--lab-subnet", "10.213.105.0/24",
                               Self.machine])
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-churn-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        let d = { (args: [String]) in h.docker(Self.machine, args) }
        try #require(d(["import", tar, "bb"]).status == 0)
        let net = d(["network", "create", "--subnet", "172.29.77.0/24", "churnnet"])
        try #require(net.status == 0, "\(net.stderr)")
        // One container first, so the network is fully up (bridge, rules, DNS server) before counting.
        try #require(d(["run", "--rm", "--network", "churnnet", "bb", "true"]).status == 0)
        let before = h.berth(["ssh", Self.machine, Self.census])
        try #require(before.status == 0, "\(before.stderr)")

        let env = h.dockerEnvironment(Self.machine)
        let started = Date()
        let lanes = (0..<4).map { lane in
            lane < 3
                ? "for i in $(seq 25); do docker run --rm --network churnnet bb true || echo FAIL; done"
                : "for i in $(seq 25); do docker run -d --name churn-$i --network churnnet bb sleep 60 >/dev/null "
                    + "&& docker rm -f churn-$i >/dev/null || echo FAIL; done"
        }
        // Four lanes on threads of their own, not `sh` background jobs: a shell started from the test process
        // inherits a blocked SIGCHLD, and dash's `wait` builtin then sleeps in sigsuspend forever.
        var results = [Harness.Output](repeating: Harness.Output(status: -1, stdout: "", stderr: ""), count: lanes.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: lanes.count) { i in
            let out = Harness.run(["sh", "-c", lanes[i]], env: env)
            lock.lock(); results[i] = out; lock.unlock()
        }
        let seconds = Date().timeIntervalSince(started)
        for churn in results { #expect(churn.status == 0 && !churn.stdout.contains("FAIL"), "\(churn)") }

        // `run --rm` returns once the container has exited; its removal may still be under way.
        var remaining = "?"
        for _ in 0..<100 {
            remaining = d(["ps", "-aq"]).stdout
            if remaining.isEmpty { break }
            usleep(100_000)
        }
        #expect(remaining.isEmpty, "containers left: \(remaining)")
        let after = h.berth(["ssh", Self.machine, Self.census])
        #expect(after.stdout == before.stdout,
                "veths, netns, agent netns, berth rules, mounts before:\n\(before.stdout)after:\n\(after.stdout)")
        let veths = after.stdout.split(separator: "\n").first.map(String.init)
        #expect(veths == "0", "veths left: \(after.stdout)")
        print("100 containers on a user bridge in \(String(format: "%.1f", seconds)) s (4 at a time)")
        #expect(d(["network", "rm", "churnnet"]).status == 0)
    }
}
