import BerthCore
import BerthKernel
import Testing

/// The encoder against what iproute2 sent for the same command (``Recorded``).
@Suite struct NetlinkEncodingTests {
    /// The indices the recorded namespaces had: bkbr0 2, bkv0 3, bkvx0 4, bkmv0 5 in a; eth0 2 in b.
    let context = NetlinkContext(index: { ref in
        switch ref {
        case .index(let i): return i
        case .name(let n): return ["bkbr0": 2, "bkv0": 3, "bkvx0": 4, "bkmv0": 5, "eth0": 2][n]!
        }
    }, namespaceFD: { _ in 5 })

    func encode(_ r: NetlinkRequest, _ seq: UInt32 = Recorded.sequence) throws -> [UInt8] {
        try r.encode(sequence: seq, context: context)
    }

    @Test func bridge() throws {
        let bytes = try encode(.addLink(LinkSpec(name: "bkbr0", kind: .bridge)))
        #expect(bytes == Recorded.addBridge, "\(bytes) vs \(Recorded.addBridge)")
    }

    @Test func vethWithPeerInAnotherNamespace() throws {
        let peer = VethPeer(name: "eth0", mtu: 1400, address: MACAddress("02:42:ac:12:00:02"), namespace: .path("/run/netns/b"))
        #expect(try encode(.addLink(LinkSpec(name: "bkv0", kind: .veth(peer: peer), mtu: 1400))) == Recorded.addVeth)
    }

    @Test func setMasterAndUp() throws {
        #expect(try encode(.setLink(.name("bkv0"), LinkChange(up: true, master: .name("bkbr0")))) == Recorded.setMasterUp)
    }

    @Test func lookupByName() throws {
        #expect(try encode(.getLink(.name("bkbr0"))) == Recorded.getBridge)
    }

    @Test func addresses() throws {
        let a = InterfaceAddress(address: IPv4Address("172.30.0.1")!, prefix: 16, device: .name("bkbr0"))
        #expect(try encode(.addAddress(a, replace: false)) == Recorded.addAddress)
        #expect(try encode(.addAddress(a, replace: true)) == Recorded.replaceAddress)
    }

    /// IPv6: an address without duplicate address detection and a default route, as `ip -6` sends them.
    @Test func ipv6() throws {
        let a = InterfaceAddress6(address: IPv6Address("2001:db8:1::2")!, prefix: 64, device: .name("bkbr0"))
        #expect(try encode(.addAddress6(a), 1_796_423_046) == Recorded.addAddress6)
        let r = IPv6Route(gateway: IPv6Address("2001:db8:1::1"), device: .name("bkbr0"))
        #expect(try encode(.addRoute6(r), 1_796_423_046) == Recorded.addDefaultRoute6)
    }

    @Test func routes() throws {
        let def = IPv4Route(gateway: IPv4Address("172.30.0.1"), device: .name("eth0"), onlink: true)
        #expect(try encode(.addRoute(def, replace: false)) == Recorded.addDefaultRoute)
        let net = IPv4Route(destination: try IPv4Network(parsing: "10.9.0.0/24"), gateway: IPv4Address("10.9.0.2"),
                        device: .name("bkvx0"), onlink: true)
        #expect(try encode(.addRoute(net, replace: true)) == Recorded.replaceRoute)
    }

    @Test func vxlan() throws {
        let o = VXLANOptions(id: 42, local: IPv4Address("172.30.0.1"), port: 4789, learning: false, parent: .name("bkbr0"))
        #expect(try encode(.addLink(LinkSpec(name: "bkvx0", kind: .vxlan(o)))) == Recorded.addVXLAN)
    }

    @Test func neighbourAndFDB() throws {
        let mac = MACAddress("02:42:0a:09:00:02")!
        let n = Neighbour(address: IPv4Address("10.9.0.2")!, lladdr: mac, device: .name("bkvx0"))
        #expect(try encode(.replaceNeighbour(n), Recorded.sequence + 1) == Recorded.replaceNeighbour)
        let e = FDBEntry(lladdr: mac, device: .name("bkvx0"), destination: IPv4Address("172.30.0.9"))
        #expect(try encode(.replaceFDB(e), Recorded.sequence + 1) == Recorded.replaceFDB)
    }

    @Test func macvlanAndDelete() throws {
        #expect(try encode(.addLink(LinkSpec(name: "bkmv0", kind: .macvlan(mode: .bridge, parent: .name("bkbr0")))))
                == Recorded.addMacvlan)
        #expect(try encode(.deleteLink(.index(5))) == Recorded.deleteMacvlan)
    }

    @Test func upAtCreationSetsTheLinkUpAndNeverThePeer() throws {
        let bytes = try encode(.addLink(LinkSpec(name: "v", kind: .veth(peer: VethPeer(name: "p")), up: true)))
        // ifinfomsg of the link: flags and change at offsets 24 and 28.
        #expect(bytes[24] == 1 && bytes[28] == 1)
        // The peer's ifinfomsg (inside VETH_INFO_PEER) carries no flags: up there fails with ENOTCONN.
        #expect(!bytes.isEmpty && bytes.count > 40)
        let m = try NetlinkMessage.split(bytes[...])[0]
        guard case .link(let l)? = NetlinkObject.decode(m) else { Issue.record("no link"); return }
        #expect(l.isUp && l.name == "v" && l.kind == "veth")
    }

    @Test func errorsNameTheStep() {
        let request = NetlinkRequest.addLink(LinkSpec(name: "veth1234", kind: .veth(peer: VethPeer(name: "eth0"))))
        let e = NetlinkError.kernel(step: request.description, errno: 17, message: nil)
        #expect(e.description == "netlink: add link veth1234 type veth: File exists")
        #expect(e.isExists)
    }
}
