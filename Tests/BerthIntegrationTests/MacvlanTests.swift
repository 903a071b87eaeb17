import Foundation
import Testing

/// macvlan across two machines (issue 15), the study notes' sequence: `mac_net1` made on each host with the same
/// subnet and `-o parent=eth0`, containers with fixed IPs straight on the lab link, pinging each other by IP but not
/// by name; one network per parent; a VLAN parent refused with the kernel's reason where there is no 8021q.
/// Lab network btmac (10.213.116.0/24); the macvlan subnet lives on that lab switch only.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct MacvlanTests {
    static let machines = ["mac1", "mac2"]

    @Test func containersOnTwoHostsShareTheParentsLink() throws {
        let h = Harness("macvlan")
        defer {
            for m in Self.machines {
                h.docker(m, ["rm", "-f", "m1", "m2"])
                h.docker(m, ["network", "rm", "mac_net1", "mac_vlan", "mac_two"])
            }
            h.cleanup(Self.machines)
        }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btmac", "--lab-subnet", "10.213.116.0/24"]
                              + Self.machines)
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-mac-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        try #require(Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar]).status == 0)
        for m in Self.machines { try #require(h.docker(m, ["import", tar, "bb"]).status == 0) }

        // Dual stack: the IPv6 subnet's addresses go straight on the link as the IPv4 ones do.
        let make = ["network", "create", "-d", "macvlan", "--subnet", "172.31.86.0/24", "--gateway", "172.31.86.1",
                    "--ipv6", "--subnet", "2001:db8:86::/64", "-o", "parent=eth0", "mac_net1"]
        for m in Self.machines {
            let net = h.docker(m, make)
            #expect(net.status == 0, "\(m): \(net.stderr)")
        }
        // One macvlan network per parent; bad options are one clear line.
        let second = h.docker("mac1", ["network", "create", "-d", "macvlan", "--subnet", "172.31.87.0/24",
                                       "-o", "parent=eth0", "mac_two"])
        #expect(second.status != 0 && second.stderr.contains("is already using parent interface eth0"), "\(second)")
        let noParent = h.docker("mac1", ["network", "create", "-d", "macvlan", "mac_two"])
        #expect(noParent.status != 0 && noParent.stderr.contains("parent"), "\(noParent)")
        let missing = h.docker("mac1", ["network", "create", "-d", "macvlan", "-o", "parent=nosuch9", "mac_two"])
        #expect(missing.status != 0 && missing.stderr.contains("nosuch9 does not exist"), "\(missing)")
        #expect(!h.docker("mac1", ["network", "ls"]).stdout.contains("mac_two"))
        #expect(h.berth(["ssh", "mac1", "ip -o link show eth0"]).stdout.contains("PROMISC"))

        #expect(h.docker("mac1", ["run", "-d", "--name", "m1", "--ip", "172.31.86.10", "--ip6", "2001:db8:86::10",
                                  "--network", "mac_net1", "bb", "sleep", "300"]).status == 0)
        #expect(h.docker("mac2", ["run", "-d", "--name", "m2", "--ip", "172.31.86.11", "--ip6", "2001:db8:86::11",
                                  "--network", "mac_net1", "bb", "sleep", "300"]).status == 0)
        let inside = h.docker("mac1", ["exec", "m1", "ip", "-o", "link", "show", "eth0"]).stdout
        #expect(inside.contains("eth0@") && !inside.contains("veth"), "no macvlan eth0: \(inside)")
        let addr = h.docker("mac1", ["exec", "m1", "ip", "-o", "-4", "addr", "show", "eth0"]).stdout
        #expect(addr.contains("172.31.86.10/24"), "\(addr)")
        let ping = h.docker("mac1", ["exec", "m1", "ping", "-c", "2", "-W", "2", "172.31.86.11"])
        #expect(ping.status == 0, "\(ping)")
        #expect(h.docker("mac2", ["exec", "m2", "ping", "-c", "1", "-W", "2", "172.31.86.10"]).status == 0)
        let ping6 = h.docker("mac1", ["exec", "m1", "ping", "-6", "-c", "2", "-W", "2", "2001:db8:86::11"])
        #expect(ping6.status == 0, "\(ping6)")
        #expect(h.docker("mac2", ["inspect", "-f", "{{.NetworkSettings.Networks.mac_net1.GlobalIPv6Address}}", "m2"]).stdout
                == "2001:db8:86::11\n")
        // By name they do not: macvlan networks have no embedded DNS.
        #expect(h.docker("mac1", ["exec", "m1", "ping", "-c", "1", "-W", "1", "m2"]).status != 0)

        // A VLAN parent: made when the kernel has 8021q, else refused with that reason; nothing left either way.
        let vlan = h.docker("mac1", ["network", "create", "-d", "macvlan", "--subnet", "172.31.88.0/24",
                                     "-o", "parent=eth0.10", "mac_vlan"])
        if vlan.status == 0 {
            #expect(h.berth(["ssh", "mac1", "ip -o link show eth0.10"]).status == 0)
            #expect(h.docker("mac1", ["network", "rm", "mac_vlan"]).status == 0)
        } else {
            #expect(vlan.stderr.contains("802.1Q") && vlan.stderr.contains("8021q"), "\(vlan)")
        }
        #expect(h.berth(["ssh", "mac1", "ip -o link show eth0.10"]).status != 0, "eth0.10 left behind")

        for (m, c) in [("mac1", "m1"), ("mac2", "m2")] {
            #expect(h.docker(m, ["rm", "-f", c]).status == 0)
            #expect(h.docker(m, ["network", "rm", "mac_net1"]).status == 0)
            #expect(!h.berth(["ssh", m, "ip -o -d link"]).stdout.contains("macvlan"))
        }
    }
}
