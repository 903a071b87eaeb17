import BerthCore
import BerthKernel
import Glibc
import Testing

/// Against the real kernel, inside two scratch namespaces this test makes and removes (`bkit-a`, `bkit-b`); nothing
/// touches this machine's own namespace. Root only, with BERTH_INTEGRATION=1 (run under the lab lock).
@Suite(.serialized, .enabled(if: getenv("BERTH_INTEGRATION").map { String(cString: $0) } == "1" && geteuid() == 0))
struct NetlinkIntegrationTests {
    let named = NamedNamespaces()
    let netlink = SystemNetlink()
    let a = "bkit-a", b = "bkit-b"
    let mac = MACAddress("02:42:ac:1f:fa:02")!
    let remoteMAC = MACAddress("02:42:0a:09:00:02")!

    func ip(_ args: String...) -> String {
        let r = try? SystemSpawner().run(.tool(["/usr/sbin/ip"] + args))
        let (status, out) = (r?.status ?? -1, r?.output ?? "")
        #expect(status == 0, "ip \(args.joined(separator: " ")): \(out)")
        return out
    }

    func withScratch(_ body: (any NetlinkSession, any NetlinkSession) throws -> Void) throws {
        named.delete(a)
        named.delete(b)
        try named.add(a)
        try named.add(b)
        defer {
            named.delete(a)
            named.delete(b)
        }
        let sa = try netlink.session(in: .path(named.path(a)))
        let sb = try netlink.session(in: .path(named.path(b)))
        defer {
            sa.close()
            sb.close()
        }
        try body(sa, sb)
    }

    @Test func namespacesAreListedByIPAndLeaveTheCallerAlone() throws {
        var before = stat()
        stat("/proc/thread-self/ns/net", &before)
        try withScratch { sa, _ in
            #expect(ip("netns", "list").contains(a))
            let lo = try sa.link(.name("lo"))
            #expect(lo?.isUp == true)
            #expect(named.pids(a).isEmpty)
            #expect(SystemNamespaces().isNamespace(named.path(a)))
        }
        var after = stat()
        stat("/proc/thread-self/ns/net", &after)
        #expect(before.st_ino == after.st_ino)
        #expect(!named.exists(a) && !ip("netns", "list").contains(a))
    }

    @Test func bridgeVethAddressesRoutes() throws {
        try withScratch { sa, sb in
            try sa.addLink(LinkSpec(name: "bkbr0", kind: .bridge, mtu: 1400))
            try sa.replaceAddress(InterfaceAddress(address: IPv4Address("172.31.250.1")!, prefix: 24, device: "bkbr0"))
            try sa.setLink("bkbr0", LinkChange(up: true))
            try sa.addLink(LinkSpec(name: "bkv0", kind: .veth(peer: VethPeer(
                name: "eth0", mtu: 1400, address: mac, namespace: .path(named.path(b)))),
                                    mtu: 1400, master: "bkbr0", up: true))
            try sb.setLink("eth0", LinkChange(up: true))
            try sb.addAddress(InterfaceAddress(address: IPv4Address("172.31.250.2")!, prefix: 24, device: "eth0"))
            try sb.addRoute(IPv4Route(gateway: IPv4Address("172.31.250.1"), device: "eth0"))

            // Read back through the decoder.
            let bridge = try #require(try sa.link("bkbr0"))
            #expect(bridge.kind == "bridge" && bridge.mtu == 1400 && bridge.isUp)
            let veth = try #require(try sa.link("bkv0"))
            #expect(veth.kind == "veth" && veth.master == bridge.index && veth.isUp)
            let eth0 = try #require(try sb.links().first { $0.name == "eth0" })
            #expect(eth0.address == mac && eth0.mtu == 1400 && eth0.isUp)
            #expect(try sb.addresses().contains(InterfaceAddress(address: IPv4Address("172.31.250.2")!, prefix: 24,
                                                                  device: .index(eth0.index), label: "eth0")))
            #expect(try sb.routes().contains { $0.destination == nil && $0.gateway == IPv4Address("172.31.250.1") })
            // And through ip.
            #expect(ip("-n", b, "addr", "show", "dev", "eth0").contains("inet 172.31.250.2/24"))
            #expect(ip("-n", b, "route").contains("default via 172.31.250.1 dev eth0"))
            #expect(ip("-n", a, "link", "show", "bkv0").contains("master bkbr0"))
            // The plumbing carries packets (between the two scratch namespaces only).
            #expect(ip("netns", "exec", b, "/usr/bin/ping", "-c1", "-W2", "172.31.250.1").contains("1 received"))

            // Errors name the step and the kernel's reason.
            #expect(throws: NetlinkError.kernel(step: "add link bkbr0 type bridge", errno: EEXIST, message: nil)) {
                try sa.addLink(LinkSpec(name: "bkbr0", kind: .bridge, mtu: 1400))
            }
            do {
                try sb.addAddress(InterfaceAddress(address: IPv4Address("10.1.1.1")!, prefix: 24, device: "nosuch0"))
                Issue.record("no error")
            } catch let e as NetlinkError {
                #expect(e.description.hasPrefix("netlink: add address 10.1.1.1/24 dev nosuch0: no link nosuch0: No such device"))
            }

            // Deleting the host end removes the peer in the other namespace.
            try sa.deleteLink("bkv0")
            #expect(try sb.link("eth0") == nil)
            try sa.deleteLinkIfPresent("bkv0")
        }
    }

    @Test func vxlanFDBNeighbourMacvlan() throws {
        try withScratch { sa, _ in
            try sa.addLink(LinkSpec(name: "bkbr0", kind: .bridge))
            try sa.replaceAddress(InterfaceAddress(address: IPv4Address("172.31.250.1")!, prefix: 24, device: "bkbr0"))
            try sa.setLink("bkbr0", LinkChange(up: true))
            let options = VXLANOptions(id: 42, local: IPv4Address("172.31.250.1"), port: 4789, learning: false,
                                       parent: "bkbr0")
            try sa.addLink(LinkSpec(name: "bkvx0", kind: .vxlan(options), mtu: 1450, up: true))
            try sa.replaceFDB(FDBEntry(lladdr: remoteMAC, device: "bkvx0", destination: IPv4Address("172.31.250.9")))
            try sa.replaceNeighbour(Neighbour(address: IPv4Address("10.9.0.2")!, lladdr: remoteMAC, device: "bkvx0"))
            try sa.replaceRoute(IPv4Route(destination: try IPv4Network(parsing: "10.9.0.0/24"),
                                      gateway: IPv4Address("10.9.0.2"), device: "bkvx0", onlink: true))
            try sa.addLink(LinkSpec(name: "bkmv0", kind: .macvlan(mode: .bridge, parent: "bkbr0")))

            let bridge = try #require(try sa.link("bkbr0"))
            let vx = try #require(try sa.link("bkvx0"))
            #expect(vx.kind == "vxlan" && vx.mtu == 1450)
            #expect(vx.vxlan == VXLANOptions(id: 42, local: IPv4Address("172.31.250.1"), port: 4789, learning: false,
                                             parent: .index(bridge.index)))
            let mv = try #require(try sa.link("bkmv0"))
            #expect(mv.kind == "macvlan" && mv.macvlanMode == .bridge && mv.parent == bridge.index)
            #expect(try sa.fdb().contains(FDBEntry(lladdr: remoteMAC, device: .index(vx.index),
                                                   destination: IPv4Address("172.31.250.9"))))
            #expect(try sa.neighbours().contains(Neighbour(address: IPv4Address("10.9.0.2")!, lladdr: remoteMAC,
                                                           device: .index(vx.index))))
            #expect(try sa.routes().contains { $0.destination?.description == "10.9.0.0/24" && $0.onlink })

            let details = ip("-n", a, "-d", "link", "show", "bkvx0")
            for part in ["vxlan id 42", "local 172.31.250.1", "dev bkbr0", "dstport 4789", "nolearning"] {
                #expect(details.contains(part), "\(part) in \(details)")
            }
            #expect(ip("-n", a, "-d", "link", "show", "bkmv0").contains("macvlan mode bridge"))
            let fdb = (try? SystemSpawner().run(.tool(["/usr/sbin/bridge", "-n", a, "fdb", "show", "dev", "bkvx0"])))?.output ?? ""
            #expect(fdb.contains("02:42:0a:09:00:02 dst 172.31.250.9 self permanent"), "\(fdb)")
            #expect(ip("-n", a, "neigh", "show", "dev", "bkvx0").contains("10.9.0.2 lladdr 02:42:0a:09:00:02 PERMANENT"))
            #expect(ip("-n", a, "route", "show", "10.9.0.0/24").contains("via 10.9.0.2 dev bkvx0 onlink"))

            try sa.deleteNeighbour(Neighbour(address: IPv4Address("10.9.0.2")!, lladdr: nil, device: "bkvx0"))
            try sa.deleteFDB(FDBEntry(lladdr: remoteMAC, device: "bkvx0", destination: IPv4Address("172.31.250.9")))
            #expect(try !sa.fdb().contains { $0.lladdr == remoteMAC })
            #expect(try !sa.neighbours().contains { $0.address == IPv4Address("10.9.0.2")! && $0.isPermanent })
            try sa.deleteLink("bkmv0")
            #expect(try sa.link("bkmv0") == nil)
        }
    }

    @Test func movingAndRenamingALink() throws {
        try withScratch { sa, sb in
            try sa.addLink(LinkSpec(name: "bkv1", kind: .veth(peer: VethPeer(name: "bkv1p"))))
            try sa.setLink("bkv1p", LinkChange(name: "moved0", namespace: .path(named.path(b))))
            #expect(try sa.link("bkv1p") == nil)
            try sb.setLink("moved0", LinkChange(up: true, mtu: 1300, address: mac))
            let moved = try #require(try sb.link("moved0"))
            #expect(moved.mtu == 1300 && moved.address == mac && moved.isUp)
        }
    }
}
