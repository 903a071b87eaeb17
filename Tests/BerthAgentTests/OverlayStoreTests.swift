@testable import BerthAgent
import BerthCore
import BerthKernel
import BerthKernelTesting
import Foundation
import Testing

/// The overlay driver's store side on the in-memory cluster store: cluster-wide unique names, VNIs, subnets and
/// addresses, claims given back on failure, and the VXLAN entries programmed from the peer table.
@Suite("Overlay on a fake store")
struct OverlayStoreTests {
    let settings = ClusterSettings(store: "etcd://fake:2379", endpoints: [.init(host: "fake", port: 2379)])

    func agent(_ id: String, _ store: FakeClusterStore) async -> ClusterAgent {
        let agent = ClusterAgent(settings: settings, store: store,
                                 node: ClusterNodeRecord(id: id, name: "host-\(id)", address: "10.213.1.\(id.count):2376",
                                                         version: "test", startedAt: "2026-12-03T08:00:00Z"),
                                 leaseTTL: 5, logger: ClusterAgentTests.logger)
        await agent.start()
        return agent
    }

    func spec(_ id: String, _ name: String) -> (Int, IPv4Pool) -> OverlayNetworkSpec {
        { vni, pool in OverlayNetworkSpec(id: id, name: name, vni: vni, pool: pool, userSubnet: false,
                                          created: "2026-12-03T08:00:00Z") }
    }

    @Test func namesVNIsSubnetsAndAddressesAreUniqueAcrossMachines() async throws {
        let store = FakeClusterStore()
        let a = OverlayStore(cluster: await agent("e1", store))
        let b = OverlayStore(cluster: await agent("e22", store))
        #expect(a.vtep == IPv4Address("10.213.1.2") && b.vtep == IPv4Address("10.213.1.3"))

        let one = try await a.create(name: "ov_net1", id: "n1", subnet: nil, avoiding: [], make: spec("n1", "ov_net1"))
        #expect(one.vni == 4096 && one.pool.subnet.description == "10.0.0.0/24")
        do {
            _ = try await b.create(name: "ov_net1", id: "n9", subnet: nil, avoiding: [], make: spec("n9", "ov_net1"))
            Issue.record("the same name twice")
        } catch {
            #expect("\(error)" == "network with name ov_net1 already exists")
        }
        // A local network on 10.0.1.0/24 is avoided; the VNI and subnet keys make the next one distinct.
        let two = try await b.create(name: "ov_net2", id: "n2", subnet: nil,
                                     avoiding: [try IPv4Network(parsing: "10.0.1.0/24")], make: spec("n2", "ov_net2"))
        #expect(two.vni == 4097 && two.pool.subnet.description == "10.0.2.0/24")
        // An overlapping --subnet is refused and leaves no claim (the name is free again).
        do {
            _ = try await a.create(name: "ov_bad", id: "n3", subnet: try IPv4Pool(subnet: IPv4Network(parsing: "10.0.0.0/16")),
                                   avoiding: [], make: spec("n3", "ov_bad"))
            Issue.record("an overlapping subnet")
        } catch {
            #expect("\(error)".contains("overlaps"))
        }
        #expect(try await store.get("/berth/overlay/names/ov_bad") == nil)

        // Addresses: a claim is exclusive, and the claimant can claim it again (a re-publish).
        #expect(try await a.claim(network: "n1", address: IPv4Address("10.0.0.2")!, endpoint: "ep1"))
        #expect(try await !b.claim(network: "n1", address: IPv4Address("10.0.0.2")!, endpoint: "ep2"))
        #expect(try await a.claim(network: "n1", address: IPv4Address("10.0.0.2")!, endpoint: "ep1"))
        #expect(try await b.claimedAddresses(network: "n1") == [IPv4Address("10.0.0.2")!])

        let endpoint = OverlayEndpoint(id: "ep1", networkID: "n1", containerID: "c1", containerName: "c1", aliases: [],
                                       address: IPv4Address("10.0.0.2")!, mac: "02:42:0a:00:00:02",
                                       vtep: a.vtep!, node: "e1")
        try await a.publish(endpoint)
        #expect(try await b.hasEndpoints(network: "n1"))
        await a.withdraw(network: "n1", endpoint: "ep1", address: endpoint.address)
        #expect(try await !b.hasEndpoints(network: "n1"))

        try await b.remove(one)
        try await a.remove(two)
        #expect(try await store.list(prefix: "/berth/overlay/").kvs.isEmpty)
    }

    @Test func remoteEndpointsBecomeNeighbourAndForwardingEntries() throws {
        let netlink = RecordingNetlink()
        let driver = OverlayDriver(root: "/x/overlay", netlink: netlink, namespaces: RecordingNamespaces())
        var record = NetworkRecord(id: "0123456789abcdef", name: "ov", driver: "overlay", created: "", pool: nil,
                                   bridge: nil, mtu: 1450, internal: false, userSubnet: false, predefined: false,
                                   labels: [:], options: [:], scope: .global)
        record.vni = 4096
        #expect(OverlayDriver.namespaceName(record) == "1-0123456789")
        var table = OverlayPeerTable(localNode: "e1")
        table.upsert(OverlayEndpoint(id: "r1", networkID: record.id, containerID: "c2", containerName: "c2", aliases: [],
                                     address: IPv4Address("10.0.0.3")!, mac: "02:42:0a:00:00:03",
                                     vtep: IPv4Address("10.213.1.3")!, node: "e2"))
        table.upsert(OverlayEndpoint(id: "l1", networkID: record.id, containerID: "c1", containerName: "c1", aliases: [],
                                     address: IPv4Address("10.0.0.2")!, mac: "02:42:0a:00:00:02",
                                     vtep: IPv4Address("10.213.1.2")!, node: "e1"))
        let diff = TunnelDiff.between(programmed: [], wanted: table.entries(network: record.id))
        #expect(driver.program(record, diff).isEmpty)
        #expect(netlink.lines.count == 2)
        #expect(netlink.lines.allSatisfy { $0.hasPrefix("[/x/overlay/1-0123456789]") }, "\(netlink.lines)")
        #expect(netlink.lines.contains { $0.contains("10.0.0.3") }, "\(netlink.lines)")
        #expect(netlink.lines.contains { $0.contains("10.213.1.3") }, "\(netlink.lines)")
        #expect(!netlink.lines.contains { $0.contains("10.0.0.2") }, "a local endpoint needs no tunnel entry")
    }
}

@Suite("macvlan options")
struct MacvlanOptionTests {
    @Test func parentModeAndVLANs() throws {
        let (parent, mode) = try MacvlanDriver.settings(["parent": "eth0", "macvlan_mode": "private"])
        #expect(parent == "eth0" && mode == .private)
        #expect(try MacvlanDriver.settings(["parent": "eth0"]).mode == .bridge)
        #expect(throws: NetworkError.self) { try MacvlanDriver.settings([:]) }
        #expect(throws: NetworkError.self) { try MacvlanDriver.settings(["parent": "eth0", "macvlan_mode": "x"]) }
        #expect(throws: NetworkError.self) { try MacvlanDriver.settings(["parent": "eth0", "nosuch": "1"]) }
        #expect(MacvlanDriver.vlan("eth0.10")! == ("eth0", 10))
        #expect(MacvlanDriver.vlan("eth0") == nil && MacvlanDriver.vlan("eth0.5000") == nil)
    }
}
