import BerthCore
import Foundation
import Testing

@Suite struct OverlayLayoutTests {
    let layout = OverlayLayout()

    @Test func keysAndTheirClassification() throws {
        let subnet = try IPv4Network(parsing: "10.0.1.0/24")
        #expect(layout.networkKey("abc") == "/berth/overlay/networks/abc")
        #expect(layout.nameKey("ov_net1") == "/berth/overlay/names/ov_net1")
        #expect(layout.vniKey(4096) == "/berth/overlay/vnis/4096")
        #expect(layout.subnetKey(subnet) == "/berth/overlay/subnets/10.0.1.0-24")
        #expect(layout.endpointKey(network: "abc", endpoint: "e1") == "/berth/overlay/endpoints/abc/e1")
        #expect(layout.addressKey(network: "abc", address: IPv4Address("10.0.1.2")!)
                == "/berth/overlay/addresses/abc/10.0.1.2")
        #expect(layout.classify("/berth/overlay/networks/abc") == .network(id: "abc"))
        #expect(layout.classify("/berth/overlay/endpoints/abc/e1") == .endpoint(network: "abc", endpoint: "e1"))
        #expect(layout.classify("/berth/overlay/names/x") == .claim)
        #expect(layout.classify("/berth/overlay/addresses/abc/10.0.1.2") == .claim)
        #expect(layout.classify("/berth/overlay/networks/") == nil)
        #expect(layout.classify("/berth/overlay/endpoints/abc") == nil)
        #expect(layout.classify("/coreos.com/network/config") == nil)
        #expect(OverlayLayout(prefix: "/t/").networkKey("n") == "/t/networks/n")
    }

    @Test func specsRoundTripThroughJSON() throws {
        let pool = try IPv4Pool(subnet: IPv4Network(parsing: "10.0.0.0/24"))
        let spec = OverlayNetworkSpec(id: "abc", name: "ov_net1", vni: 4096, pool: pool, userSubnet: false,
                                      labels: ["a": "b"], created: "2026-12-03T08:00:00Z")
        #expect(OverlayNetworkSpec.parse(spec.json()) == spec)
        #expect(spec.effectiveMTU(underlay: 1500) == 1450)
        #expect(OverlayNetworkSpec.parse("{}") == nil)
        let e = endpoint("e1", ip: "10.0.0.2", node: "n1", vtep: "10.213.0.11")
        #expect(OverlayEndpoint.parse(e.json()) == e)
        #expect(e.answers("C-E1") && e.answers("alias-e1") && !e.answers("other"))
    }

    @Test func allocatorPicksDockersDefaultsAndLowestFreeVNI() throws {
        #expect(OverlayAllocator.vni(taken: []) == 4096)
        #expect(OverlayAllocator.vni(taken: [4096, 4097, 4099]) == 4098)
        #expect(OverlayAllocator.defaultSubnet(avoiding: []) == (try IPv4Network(parsing: "10.0.0.0/24")))
        let used = [try IPv4Network(parsing: "10.0.0.0/24"), try IPv4Network(parsing: "10.0.1.128/25")]
        #expect(OverlayAllocator.defaultSubnet(avoiding: used) == (try IPv4Network(parsing: "10.0.2.0/24")))
        #expect(OverlayAllocator.defaultSubnet(avoiding: [try IPv4Network(parsing: "10.0.0.0/16")]) == nil)
    }
}

func endpoint(_ id: String, ip: String, node: String, vtep: String, network: String = "net") -> OverlayEndpoint {
    let a = IPv4Address(ip)!
    return OverlayEndpoint(id: id, networkID: network, containerID: "c-" + id + String(repeating: "0", count: 60),
                           containerName: "c-" + id, aliases: ["alias-" + id], address: a,
                           mac: IPv4Pool.macAddress(for: a), vtep: IPv4Address(vtep)!, node: node)
}

@Suite struct OverlayPeerTableTests {
    @Test func remoteEndpointsBecomeNeighbourAndForwardingEntries() {
        var table = OverlayPeerTable(localNode: "n1")
        table.upsert(endpoint("e1", ip: "10.0.0.2", node: "n1", vtep: "10.213.0.11"))
        table.upsert(endpoint("e2", ip: "10.0.0.3", node: "n2", vtep: "10.213.0.12"))
        let wanted = table.entries(network: "net")
        #expect(wanted == [.neighbour(ip: IPv4Address("10.0.0.3")!, mac: "02:42:0a:00:00:03"),
                           .forwarding(mac: "02:42:0a:00:00:03", vtep: IPv4Address("10.213.0.12")!)])
        #expect(table.resolve(network: "net", name: "c-e1") == [IPv4Address("10.0.0.2")!])
        #expect(table.resolve(network: "other", name: "c-e1") == nil)
        #expect(table.hasEndpoints(network: "net"))

        // The endpoint moves to another machine: the forwarding entry follows it.
        table.upsert(endpoint("e2", ip: "10.0.0.3", node: "n3", vtep: "10.213.0.13"))
        let diff = TunnelDiff.between(programmed: wanted, wanted: table.entries(network: "net"))
        #expect(diff.remove == [.forwarding(mac: "02:42:0a:00:00:03", vtep: IPv4Address("10.213.0.12")!)])
        #expect(diff.add == [.forwarding(mac: "02:42:0a:00:00:03", vtep: IPv4Address("10.213.0.13")!)])

        #expect(table.remove(network: "net", endpoint: "e2") != nil)
        #expect(table.entries(network: "net").isEmpty)
        table.removeNetwork("net")
        #expect(!table.hasEndpoints(network: "net"))
    }

    @Test func diffOrdersRoutesAfterTheirNeighbours() throws {
        let subnet = try IPv4Network(parsing: "10.1.2.0/24")
        let wanted: Set<TunnelEntry> = [.route(subnet: subnet, via: subnet.address, onlink: true),
                                        .neighbour(ip: subnet.address, mac: "aa:bb:cc:dd:ee:ff"),
                                        .forwarding(mac: "aa:bb:cc:dd:ee:ff", vtep: IPv4Address("10.213.0.12")!)]
        let up = TunnelDiff.between(programmed: [], wanted: wanted)
        #expect(up.add.map(\.rank) == [0, 1, 2] && up.remove.isEmpty)
        let down = TunnelDiff.between(programmed: wanted, wanted: [])
        #expect(down.remove.map(\.rank) == [2, 1, 0] && down.add.isEmpty)
        #expect(TunnelDiff.between(programmed: wanted, wanted: wanted).isEmpty)
    }
}

@Suite struct FlannelRoutesTests {
    @Test func vxlanAndHostGatewayEntriesAsFlanneldProgramsThem() throws {
        let own = try IPv4Network(parsing: "10.1.15.0/24"), other = try IPv4Network(parsing: "10.1.16.0/24")
        let leases: [IPv4Network: FlannelLease] = [
            own: FlannelLease(publicIP: IPv4Address("10.213.0.11")!, backendType: "vxlan", vtepMAC: "aa:aa:aa:aa:aa:01", vni: 1),
            other: FlannelLease(publicIP: IPv4Address("10.213.0.12")!, backendType: "vxlan", vtepMAC: "aa:aa:aa:aa:aa:02", vni: 1),
        ]
        let vxlan = try FlannelConfig(network: IPv4Network(parsing: "10.1.0.0/16"))
        #expect(FlannelRoutes.entries(config: vxlan, leases: leases, own: own) == [
            .neighbour(ip: IPv4Address("10.1.16.0")!, mac: "aa:aa:aa:aa:aa:02"),
            .forwarding(mac: "aa:aa:aa:aa:aa:02", vtep: IPv4Address("10.213.0.12")!),
            .route(subnet: other, via: IPv4Address("10.1.16.0")!, onlink: true),
        ])
        let hostgw = try FlannelConfig(network: IPv4Network(parsing: "10.1.0.0/16"), backend: .init(type: "host-gw"))
        let gwLeases = leases.mapValues { FlannelLease(publicIP: $0.publicIP, backendType: "host-gw") }
        #expect(FlannelRoutes.entries(config: hostgw, leases: gwLeases, own: own)
                == [.route(subnet: other, via: IPv4Address("10.213.0.12")!, onlink: false)])
        #expect(FlannelRoutes.entries(config: hostgw, leases: leases, own: own).isEmpty, "other backend's leases")
        let link = try IPv4Network(parsing: "10.213.0.0/24")
        #expect(throws: Never.self) { try FlannelRoutes.checkHostGateway(lease: gwLeases[other]!, connected: [link]) }
        #expect(throws: BerthError.self) {
            try FlannelRoutes.checkHostGateway(lease: gwLeases[other]!, connected: [try IPv4Network(parsing: "10.9.0.0/24")])
        }
    }
}

@Suite struct FlannelListingTests {
    @Test func rendersOneRowPerLeaseSortedByMachine() throws {
        let listing = FlannelListing(network: try IPv4Network(parsing: "10.1.0.0/16"), rows: [
            .init(machine: "lab2", subnet: try IPv4Network(parsing: "10.1.7.0/24"), backend: "vxlan",
                  publicIP: IPv4Address("10.213.47.3")!, expiresIn: 86399),
            .init(machine: "lab1", subnet: try IPv4Network(parsing: "10.1.130.0/24"), backend: "vxlan",
                  publicIP: IPv4Address("10.213.47.2")!, expiresIn: nil),
        ])
        #expect(listing.render() == """
            MACHINE   SUBNET          BACKEND   PUBLIC IP     EXPIRES IN
            lab1      10.1.130.0/24   vxlan     10.213.47.2   -
            lab2      10.1.7.0/24     vxlan     10.213.47.3   23h59m

            """)
        #expect(FlannelListing.duration(59) == "59s" && FlannelListing.duration(61) == "1m1s")
    }
}
