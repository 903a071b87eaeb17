import BerthCore
import BerthKernel
import BerthKernelTesting
import Testing
@testable import BerthAgent

/// The bridge driver against recording fakes of the kernel: the netlink requests it sends, per namespace, and the
/// firewall calls. No root.
@Suite struct BridgeDriverTests {
    let netlink = RecordingNetlink()
    let firewall = RecordingFirewall()
    let namespaces = RecordingNamespaces()
    var driver: BridgeDriver { BridgeDriver(netlink: netlink, firewall: firewall, namespaces: namespaces) }

    func network(internal isInternal: Bool = false) throws -> NetworkRecord {
        NetworkRecord(id: "n1", name: "web", driver: "bridge", created: "", pool: try IPv4Pool(
            subnet: IPv4Network(parsing: "172.18.0.0/16")), bridge: "br-abc", mtu: 1450, internal: isInternal,
            userSubnet: false, predefined: false, labels: [:], options: [:])
    }

    func endpoint(ports: [PortMapping] = []) -> EndpointRecord {
        EndpointRecord(id: "e1", networkID: "n1", containerID: "c1", containerName: "c", interface: "eth0",
                       hostVeth: "veth1234567", address: IPv4Address("172.18.0.2")!, mac: "02:42:ac:12:00:02",
                       aliases: [], ports: ports)
    }

    let sandbox = Sandbox(key: "c1", path: "/x/netns/c1", link: "c1")

    @Test func createNetworkMakesTheBridgeAndEnsuresRules() throws {
        try driver.createNetwork(try network(), allBridges: ["br-abc", "berth0"])
        #expect(netlink.lines == [
            "[this process's namespace] get link br-abc",
            "[this process's namespace] add link br-abc type bridge",
            "[this process's namespace] replace address 172.18.0.1/16 dev br-abc",
            "[this process's namespace] set link br-abc up",
        ])
        #expect(namespaces.sysctls == ["net.ipv4.ip_forward=1", "net.ipv4.conf.br-abc.route_localnet=1"])
        #expect(firewall.rules.contains(["-t", "filter", "-A", "FORWARD", "-i", "br-abc", "-o", "berth0", "-j", "DROP"]
                                        + FirewallRules.tag))
        // Again (an agent restart): the bridge is there, rules are not doubled.
        netlink.clear()
        let before = firewall.rules.count
        try driver.createNetwork(try network(), allBridges: ["br-abc", "berth0"])
        #expect(!netlink.lines.contains { $0.contains("add link") })
        #expect(firewall.rules.count == before)
    }

    @Test func joinMakesTheVethStraightInTheSandbox() throws {
        try driver.createNetwork(try network(), allBridges: ["br-abc"])
        netlink.clear()
        let port = PortMapping(proto: "tcp", hostIP: "", hostPort: 8080, containerIP: IPv4Address("172.18.0.2")!,
                               containerPort: 80)
        try driver.join(try network(), endpoint: endpoint(ports: [port]), sandbox: sandbox)
        #expect(netlink.lines == [
            "[this process's namespace] add link veth1234567 type veth",
            "[/x/netns/c1] set link eth0 up",
            "[/x/netns/c1] add address 172.18.0.2/16 dev eth0",
            "[/x/netns/c1] add route default via 172.18.0.1 dev eth0",
        ])
        guard case .addLink(let spec) = netlink.log[0].request else { Issue.record("no link"); return }
        #expect(spec == LinkSpec(name: "veth1234567", kind: .veth(peer: VethPeer(
            name: "eth0", mtu: 1450, address: MACAddress("02:42:ac:12:00:02"), namespace: .path("/x/netns/c1"))),
            mtu: 1450, master: "br-abc", up: true))
        #expect(firewall.calls.last == "append 3 rule(s) in one batch")

        netlink.clear()
        driver.leave(try network(), endpoint: endpoint(ports: [port]))
        #expect(netlink.lines == ["[this process's namespace] delete link veth1234567"])
        #expect(!firewall.rules.contains { $0.contains("DNAT") })
    }

    @Test func internalNetworksGetNoDefaultRoute() throws {
        try driver.join(try network(internal: true), endpoint: endpoint(), sandbox: sandbox)
        #expect(!netlink.lines.contains { $0.contains("route") })
    }

    @Test func aFailureInsideTheSandboxUndoesTheVeth() throws {
        netlink.failing = [("add address", 99)]
        #expect(throws: NetlinkError.self) {
            try driver.join(try network(), endpoint: endpoint(), sandbox: sandbox)
        }
        #expect(netlink.lines.last == "[this process's namespace] delete link veth1234567")
    }

    @Test func deleteNetworkRemovesRulesAndBridge() throws {
        try driver.createNetwork(try network(), allBridges: ["br-abc", "berth0"])
        netlink.clear()
        try driver.deleteNetwork(try network())
        #expect(netlink.lines == ["[this process's namespace] delete link br-abc"])
        #expect(firewall.rules.isEmpty)
    }
}
