import Foundation
import Testing

/// flannel across three machines (issue 15), the study notes' sequence without flanneld: `berth flannel create`
/// with the vxlan backend (leases in flanneld's etcd layout, `subnet.env` on each host, containers on different
/// hosts pinging by IP), `berth flannel rm` leaving nothing, then the host-gw backend (routes via the peers'
/// addresses). Lab network btfl (10.213.117.0/24); the flannel network lives inside the lab hosts.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct FlannelTests {
    static let machines = ["fl1", "fl2", "fl3"]

    func etcdctl(_ h: Harness, _ args: [String]) -> Harness.Output {
        var e = Harness.env
        for line in h.berth(["etcd", "env"]).stdout.split(separator: "\n") where line.hasPrefix("export ") {
            let kv = line.dropFirst("export ".count)
            guard let eq = kv.firstIndex(of: "=") else { continue }
            e[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return Harness.run(["etcdctl", "--dial-timeout=3s", "--command-timeout=5s"] + args, env: e)
    }

    func eventually(_ seconds: Double, _ probe: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if probe() { return true }
            usleep(100_000)
        }
        return false
    }

    func address(_ h: Harness, _ m: String, _ c: String) -> String {
        h.docker(m, ["inspect", "-f", "{{.NetworkSettings.IPAddress}}", c]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A container on each machine; each pings the others by IP.
    func pingAcross(_ h: Harness) {
        for m in Self.machines {
            #expect(h.docker(m, ["run", "-d", "--name", "f-\(m)", "bb", "sleep", "300"]).status == 0)
        }
        let ips = Dictionary(uniqueKeysWithValues: Self.machines.map { ($0, address(h, $0, "f-\($0)")) })
        for m in Self.machines {
            for other in Self.machines where other != m {
                let ping = h.docker(m, ["exec", "f-\(m)", "ping", "-c", "1", "-W", "2", ips[other]!])
                #expect(ping.status == 0, "\(m) -> \(other) \(ips[other]!): \(ping)")
            }
        }
        for m in Self.machines { h.docker(m, ["rm", "-f", "f-\(m)"]) }
    }

    /// Nothing of flannel left on any machine or in the store, and every bridge back at 172.17.0.1.
    func nothingLeft(_ h: Harness) {
        for m in Self.machines {
            let state = h.berth(["ssh", m, "ls /run/flannel 2>/dev/null; ip -o link show | grep -c flannel; ip r | grep -c '^10\\.1\\.'"]).stdout
            #expect(state == "0\n0\n", "\(m): \(state)")
        }
        let keys = etcdctl(h, ["get", "--prefix", "--keys-only", "/coreos.com/"]).stdout
        #expect(keys.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(keys)")
    }

    @Test func vxlanThenHostGatewayAcrossThreeMachines() throws {
        let h = Harness("flannel")
        defer {
            h.berth(["flannel", "rm"])
            h.berth(["etcd", "rm", "-f"])
            h.cleanup(Self.machines)
        }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btfl", "--lab-subnet", "10.213.117.0/24"]
                              + Self.machines)
        try #require(created.status == 0, "\(created.stderr)")
        let noStore = h.berth(["flannel", "create", "--network", "10.1.0.0/16"])
        #expect(noStore.status != 0 && noStore.stderr.contains("no cluster store"), "\(noStore)")
        try #require(h.berth(["etcd", "create", "fl1"]).status == 0)
        let tar = NSTemporaryDirectory() + "bb-rootfs-fl-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        try #require(Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar]).status == 0)
        for m in Self.machines { try #require(h.docker(m, ["import", tar, "bb"]).status == 0) }

        // Bad input: one line, non-zero, nothing written.
        for bad in [["--network", "10.1.0.0/33"], ["--network", "10.1.0.0/16", "--backend", "udp"],
                    ["--network", "10.1.0.0/16", "--subnet-len", "12"], ["--network", "10.1.0.0/16", "nosuch"]] {
            let out = h.berth(["flannel", "create"] + bad)
            #expect(out.status != 0 && out.stderr.split(separator: "\n").count == 1, "\(bad): \(out)")
        }
        #expect(etcdctl(h, ["get", "--prefix", "--keys-only", "/coreos.com/"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

        // vxlan. A container already on fl2's default bridge is stopped first, and named.
        #expect(h.docker("fl2", ["run", "-d", "--name", "pre", "bb", "sleep", "300"]).status == 0)
        let t0 = Date()
        let up = h.berth(["flannel", "create", "--network", "10.1.0.0/16"])
        try #require(up.status == 0, "\(up.stdout)\(up.stderr)")
        print(up.stdout)
        #expect(up.stdout.contains("fl2: stopped pre"), "\(up.stdout)")
        #expect(h.docker("fl2", ["inspect", "-f", "{{.State.Running}}", "pre"]).stdout.hasPrefix("false"))
        #expect(h.docker("fl2", ["rm", "-f", "pre"]).status == 0)
        let config = etcdctl(h, ["get", "/coreos.com/network/config", "--print-value-only"]).stdout
        #expect(config.contains("\"Network\":\"10.1.0.0/16\"") && config.contains("\"Type\":\"vxlan\""), "\(config)")
        let leases = etcdctl(h, ["get", "--prefix", "/coreos.com/network/subnets/"]).lines
        #expect(leases.filter { $0.hasPrefix("/coreos.com/network/subnets/10.1.") && $0.hasSuffix("-24") }.count == 3,
                "\(leases)")
        #expect(leases.filter { $0.contains("\"PublicIP\":\"10.213.117.") && $0.contains("\"BackendType\":\"vxlan\"")
            && $0.contains("\"VNI\":1") && $0.contains("\"VtepMAC\"") }.count == 3, "\(leases)")
        let ls = h.berth(["flannel", "ls"])
        #expect(ls.status == 0 && ls.lines.count == 4 && ls.stdout.contains("23h"), "\(ls)")
        for m in Self.machines {
            let env = h.berth(["ssh", m, "cat /run/flannel/subnet.env"]).stdout
            #expect(env.contains("FLANNEL_NETWORK=10.1.0.0/16") && env.contains("FLANNEL_SUBNET=10.1.")
                    && env.contains("FLANNEL_MTU=1450") && env.contains("FLANNEL_IPMASQ=true"), "\(m): \(env)")
            let dev = h.berth(["ssh", m, "ip -d link show flannel.1"]).stdout
            #expect(dev.contains("vxlan id 1") && dev.contains("dstport 8472") && dev.contains("mtu 1450"), "\(dev)")
        }
        pingAcross(h)
        // As flanneld, an agent that restarts keeps its subnet (read back from the store, not chosen anew).
        // (fl2: fl1 runs the only etcd member.)
        let before = h.berth(["ssh", "fl2", "cat /run/flannel/subnet.env"]).stdout
        #expect(h.berth(["restart", "fl2"]).status == 0)
        #expect(eventually(15) { h.berth(["ssh", "fl2", "cat /run/flannel/subnet.env"]).stdout == before },
                "fl2 kept \(before)")
        #expect(eventually(10) { etcdctl(h, ["get", "--prefix", "--keys-only", "/coreos.com/network/subnets/"]).lines
            .filter { !$0.isEmpty }.count == 3 })
        print("flannel vxlan: create to pings on three hosts in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        let again = h.berth(["flannel", "create", "--network", "10.2.0.0/16"])
        #expect(again.status != 0 && again.stderr.contains("exists already"), "\(again)")

        #expect(h.berth(["flannel", "rm"]).status == 0)
        #expect(eventually(10) {
            Self.machines.allSatisfy { h.berth(["ssh", $0, "ip -o link show flannel.1"]).status != 0 }
        })
        nothingLeft(h)

        // host-gw: a route to each peer's subnet via its address.
        let gw = h.berth(["flannel", "create", "--network", "10.1.0.0/16", "--backend", "host-gw"])
        try #require(gw.status == 0, "\(gw.stdout)\(gw.stderr)")
        let routes = h.berth(["ssh", "fl2", "ip r"]).stdout
        #expect(routes.split(separator: "\n").filter { $0.hasPrefix("10.1.") && $0.contains(" via 10.213.117.") }.count == 2,
                "\(routes)")
        pingAcross(h)
        #expect(h.berth(["flannel", "rm"]).status == 0)
        #expect(eventually(10) {
            Self.machines.allSatisfy { !h.berth(["ssh", $0, "ip r"]).stdout.contains("10.1.") }
        })
        nothingLeft(h)
    }
}
