import Foundation
import Testing

/// Overlay networks across machines through the cluster store (issue 14), the study notes' sequence with the stock
/// docker CLI: `ov_net1` made on one machine and seen on all, containers on two machines that ping each other by
/// name, a second overlay that cannot reach the first, `ip netns` on the hosts, and nothing left behind. Lab
/// network btov (10.213.115.0/24) only; the overlay subnets live inside the lab hosts' namespaces.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct OverlayTests {
    static let machines = ["ovl1", "ovl2", "ovl3"]

    func etcdctl(_ h: Harness, _ args: [String]) -> Harness.Output {
        var e = Harness.env
        for line in h.berth(["etcd", "env"]).stdout.split(separator: "\n") where line.hasPrefix("export ") {
            let kv = line.dropFirst("export ".count)
            guard let eq = kv.firstIndex(of: "=") else { continue }
            e[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return Harness.run(["etcdctl", "--dial-timeout=3s", "--command-timeout=5s"] + args, env: e)
    }

    /// Runs `probe` until it holds or `seconds` pass; the time it took, nil when it never held.
    func eventually(_ seconds: Double, _ probe: () -> Bool) -> Double? {
        let t0 = Date()
        while Date().timeIntervalSince(t0) < seconds {
            if probe() { return Date().timeIntervalSince(t0) }
            usleep(100_000)
        }
        return nil
    }

    @Test func notesSequenceAcrossThreeMachines() throws {
        let h = Harness("overlay")
        defer {
            for m in Self.machines { h.docker(m, ["rm", "-f", "c1", "c2", "c3"]) }
            for m in Self.machines { h.docker(m, ["network", "rm", "ov_net1", "ov_net2"]) }
            h.berth(["etcd", "rm", "-f"])
            h.cleanup(Self.machines)
        }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btov", "--lab-subnet", "10.213.115.0/24"]
                              + Self.machines)
        try #require(created.status == 0, "\(created.stderr)")

        // Without a store, docker's overlay needs one: a clear refusal.
        let noStore = h.docker("ovl1", ["network", "create", "-d", "overlay", "ov_net1"])
        #expect(noStore.status != 0 && noStore.stderr.contains("cluster store"), "\(noStore)")

        let etcd = h.berth(["etcd", "create", "ovl1"])
        try #require(etcd.status == 0, "\(etcd.stdout)\n\(etcd.stderr)")

        let tar = NSTemporaryDirectory() + "bb-rootfs-ov-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        for m in Self.machines { try #require(h.docker(m, ["import", tar, "bb"]).status == 0) }

        // Bad input: docker's wording, non-zero, nothing written to the store.
        let badOption = h.docker("ovl1", ["network", "create", "-d", "overlay", "-o", "nosuch=1", "ovbad"])
        #expect(badOption.status != 0 && badOption.stderr.contains("nosuch"), "\(badOption)")
        let badSubnet = h.docker("ovl1", ["network", "create", "-d", "overlay", "--subnet", "10.0.9.0/33", "ovbad"])
        #expect(badSubnet.status != 0, "\(badSubnet)")
        #expect(etcdctl(h, ["get", "--prefix", "--keys-only", "/berth/overlay/"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

        // ov_net1 on ovl1; every machine sees it, global, same ID.
        let t0 = Date()
        let made = h.docker("ovl1", ["network", "create", "-d", "overlay", "ov_net1"])
        try #require(made.status == 0, "\(made.stderr)")
        let id = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for m in Self.machines {
            let seen = eventually(5) {
                h.docker(m, ["network", "inspect", "-f", "{{.Id}} {{.Scope}} {{.Driver}}", "ov_net1"]).stdout
                    .contains("\(id) global overlay")
            }
            #expect(seen != nil, "ov_net1 not seen on \(m)")
        }
        let ls = h.docker("ovl2", ["network", "ls"]).stdout
        #expect(ls.contains("ov_net1") && ls.contains("overlay") && ls.contains("global"), "\(ls)")
        let subnet = h.docker("ovl3", ["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
                                       "ov_net1"]).stdout
        #expect(subnet.contains("10.0.0.0/24"), "\(subnet)")
        // Names are unique across the cluster.
        let dup = h.docker("ovl2", ["network", "create", "-d", "overlay", "ov_net1"])
        #expect(dup.status != 0 && dup.stderr.contains("already exists"), "\(dup)")
        let overlapping = h.docker("ovl2", ["network", "create", "-d", "overlay", "--subnet", "10.0.0.0/16", "ovbad"])
        #expect(overlapping.status != 0 && overlapping.stderr.contains("overlaps"), "\(overlapping)")

        // A container on ovl1 and one on ovl2, pinging each other by name.
        #expect(h.docker("ovl1", ["run", "-d", "--name", "c1", "--network", "ov_net1", "bb", "sleep", "600"]).status == 0)
        #expect(h.docker("ovl2", ["run", "-d", "--name", "c2", "--network", "ov_net1", "bb", "sleep", "600"]).status == 0)
        let running = Date()
        let routes = h.docker("ovl1", ["exec", "c1", "ip", "r"]).stdout
        #expect(routes.contains("10.0.0.0/24 dev eth0") && routes.contains("default via 172.18.0.1 dev eth1"),
                "\(routes)")
        let gw = h.docker("ovl1", ["network", "inspect", "-f", "{{.Driver}} {{.Scope}}", "docker_gwbridge"]).stdout
        #expect(gw.contains("bridge local"), "\(gw)")
        let converged = eventually(10) { h.docker("ovl1", ["exec", "c1", "ping", "-c", "1", "-W", "1", "c2"]).status == 0 }
        #expect(converged != nil, "c1 cannot ping c2")
        print("overlay: create + run to first cross-host ping: \(String(format: "%.2f", Date().timeIntervalSince(t0))) s; "
              + "after c2 ran: \(String(format: "%.2f", Date().timeIntervalSince(running))) s")
        let back = h.docker("ovl2", ["exec", "c2", "ping", "-c", "2", "-W", "2", "c1"])
        #expect(back.status == 0 && back.stdout.contains("10.0.0."), "\(back)")
        let a1 = h.docker("ovl1", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "c1"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let a2 = h.docker("ovl2", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "c2"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!a1.isEmpty && a1 != a2, "\(a1) \(a2)")

        // The notes' inspection: ip netns shows the overlay's namespace and the sandboxes.
        let netns = h.berth(["ssh", "ovl1", "ip netns"]).stdout
        #expect(netns.contains("1-" + id.prefix(10)), "\(netns)")
        let vx = h.berth(["ssh", "ovl1", "ip netns exec 1-\(id.prefix(10)) ip -d link show vxlan0"]).stdout
        #expect(vx.contains("vxlan id 4096") && vx.contains("dstport 4789"), "\(vx)")
        let fdb = h.berth(["ssh", "ovl1", "ip netns exec 1-\(id.prefix(10)) bridge fdb show dev vxlan0"]).stdout
        #expect(fdb.contains("dst 10.213.115."), "\(fdb)")

        // A second overlay cannot reach the first, even on the same machine.
        #expect(h.docker("ovl2", ["network", "create", "-d", "overlay", "ov_net2"]).status == 0)
        _ = eventually(5) { h.docker("ovl2", ["network", "inspect", "ov_net2"]).status == 0 }
        #expect(h.docker("ovl2", ["run", "-d", "--name", "c3", "--network", "ov_net2", "bb", "sleep", "600"]).status == 0)
        let other = h.docker("ovl2", ["exec", "c3", "ip", "r"]).stdout
        #expect(other.contains("10.0.1.0/24 dev eth0"), "\(other)")
        #expect(h.docker("ovl2", ["exec", "c3", "ping", "-c", "1", "-W", "1", a1]).status != 0, "ov_net2 reached c1")
        #expect(h.docker("ovl2", ["exec", "c3", "ping", "-c", "1", "-W", "1", a2]).status != 0, "ov_net2 reached c2")
        #expect(h.docker("ovl2", ["exec", "c3", "nslookup", "c1"]).stdout.contains(a1) == false)

        // rm is refused while any machine has an endpoint, even from a machine with none.
        let busy = h.docker("ovl3", ["network", "rm", "ov_net1"])
        #expect(busy.status != 0 && busy.stderr.contains("active endpoints"), "\(busy)")

        // ovl2's agent stops (its containers keep running): its lease goes and c2 leaves ovl1's tables; started
        // again, it publishes c2 once more and the two ping again.
        let neighbours = { h.berth(["ssh", "ovl1", "ip netns exec 1-\(id.prefix(10)) ip neigh show dev vxlan0"]).stdout }
        #expect(neighbours().contains(a2), "\(neighbours())")
        #expect(h.berth(["ssh", "ovl2", "berthd-ctl stop"]).status == 0)
        #expect(eventually(20) { !neighbours().contains(a2) } != nil, "c2 stayed in ovl1's table with its agent down")
        #expect(h.berth(["ssh", "ovl2", "berthd-ctl start"]).status == 0)
        #expect(eventually(20) { neighbours().contains(a2) } != nil, "c2 not published again after the agent came back")
        #expect(eventually(10) { h.docker("ovl1", ["exec", "c1", "ping", "-c", "1", "-W", "1", "c2"]).status == 0 } != nil)

        // c2 gone: its entries leave ovl1's VXLAN device.
        #expect(h.docker("ovl2", ["rm", "-f", "c2"]).status == 0)
        let cleared = eventually(5) {
            !h.berth(["ssh", "ovl1", "ip netns exec 1-\(id.prefix(10)) ip neigh show dev vxlan0"]).stdout.contains(a2)
        }
        #expect(cleared != nil, "c2's neighbour entry stayed on ovl1")

        // Everything removed: nothing left on any host or in the store.
        #expect(h.docker("ovl1", ["rm", "-f", "c1"]).status == 0)
        #expect(h.docker("ovl2", ["rm", "-f", "c3"]).status == 0)
        let rm1 = h.docker("ovl3", ["network", "rm", "ov_net1"])
        #expect(rm1.status == 0, "\(rm1)")
        #expect(h.docker("ovl1", ["network", "rm", "ov_net2"]).status == 0)
        for m in Self.machines {
            let gone = eventually(5) {
                !h.docker(m, ["network", "ls"]).stdout.contains("ov_net")
                    && !h.berth(["ssh", m, "ip netns"]).stdout.contains("1-")
            }
            #expect(gone != nil, "overlay left on \(m): \(h.berth(["ssh", m, "ip netns"]).stdout)")
        }
        let keys = etcdctl(h, ["get", "--prefix", "--keys-only", "/berth/overlay/"])
        #expect(keys.status == 0 && keys.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(keys)")
    }
}
