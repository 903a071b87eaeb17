import BerthCore
import BerthRuntime
import Glibc

/// A sandbox: a container's network namespace, bind-mounted under the agent's exec root and linked into /run/netns.
public struct Sandbox: Sendable, Equatable {
    public var key: String
    public var path: String
    /// The name under /run/netns (`ip netns exec <link> ...`).
    public var link: String
}

/// What a network driver does, in libnetwork's terms. IP addresses come from IPAM before `join`; drivers only
/// program the kernel. Overlay, macvlan and others plug in here.
public protocol NetworkDriver: Sendable {
    /// The driver's name as `docker network create -d` spells it.
    var name: String { get }
    /// `local` for a driver whose networks live on this host; `global` for one whose networks come from a cluster
    /// store (overlay). Defaults to `local`.
    var scope: NetworkScope { get }
    /// Creates (or, after an agent restart, re-creates idempotently) what the network needs on the host.
    func createNetwork(_ network: NetworkRecord, allBridges: [String]) throws
    /// Removes everything `createNetwork` made.
    func deleteNetwork(_ network: NetworkRecord) throws
    /// Plugs `endpoint` into `sandbox` and publishes its ports.
    func join(_ network: NetworkRecord, endpoint: EndpointRecord, sandbox: Sandbox) throws
    /// Unplugs an endpoint and withdraws its ports; quiet about what is gone already.
    func leave(_ network: NetworkRecord, endpoint: EndpointRecord)
    /// Re-publishes the ports of a live endpoint after an agent restart.
    func restore(_ network: NetworkRecord, endpoint: EndpointRecord) throws
}

/// Docker's `bridge` driver: a Linux bridge with the gateway address, a veth per endpoint, iptables for masquerade,
/// isolation and published ports.
public struct BridgeDriver: NetworkDriver {
    public var name: String { "bridge" }
    public init() {}

    static func exists(_ link: String) -> Bool { access("/sys/class/net/" + link, F_OK) == 0 }

    public func createNetwork(_ network: NetworkRecord, allBridges: [String]) throws {
        guard let bridge = network.bridge, let pool = network.pool else { return }
        var lines: [String] = []
        if !Self.exists(bridge) { lines.append("link add \(bridge) type bridge") }
        if let mtu = network.mtu { lines.append("link set \(bridge) mtu \(mtu)") }
        lines.append("addr replace \(pool.gateway)/\(pool.subnet.prefix) dev \(bridge)")
        lines.append("link set \(bridge) up")
        try NetKernel.ip(lines)
        NetKernel.sysctl("net.ipv4.ip_forward", "1")
        NetKernel.sysctl("net.ipv4.conf.\(bridge).route_localnet", "1")
        for rule in FirewallRules.network(bridge: bridge, subnet: pool.subnet, isInternal: network.internal,
                                          bridgePrefixes: allBridges.filter { $0 != bridge }) {
            try NetKernel.ensureRule(rule)
        }
    }

    public func deleteNetwork(_ network: NetworkRecord) throws {
        guard let bridge = network.bridge, let pool = network.pool else { return }
        for rule in FirewallRules.network(bridge: bridge, subnet: pool.subnet, isInternal: network.internal,
                                          bridgePrefixes: []) {
            _ = try? NetKernel.iptables(FirewallRules.deletion(rule))
        }
        // Isolation rules of other networks naming this bridge.
        for table in FirewallRules.tables {
            let listing = (try? NetKernel.iptables(["-t", table, "-S"])) ?? ""
            for deletion in FirewallRules.ownedRuleDeletions(table: table, listing: listing)
            where deletion.contains(bridge) {
                _ = try? NetKernel.iptables(deletion)
            }
        }
        if Self.exists(bridge) { try NetKernel.ip(["link del \(bridge)"]) }
    }

    public func join(_ network: NetworkRecord, endpoint: EndpointRecord, sandbox: Sandbox) throws {
        guard let bridge = network.bridge, let pool = network.pool else { return }
        let mtu = network.mtu.map { " mtu \($0)" } ?? ""
        try NetKernel.ip([
            "link add \(endpoint.hostVeth)\(mtu) type veth peer name \(endpoint.interface)\(mtu) address \(endpoint.mac) netns \(sandbox.link)",
            "link set \(endpoint.hostVeth) master \(bridge) up",
        ])
        var inside = [
            "addr add \(endpoint.address)/\(pool.subnet.prefix) dev \(endpoint.interface)",
            "link set \(endpoint.interface) up",
        ]
        if !network.internal, endpoint.interface == "eth0" { inside.append("route add default via \(pool.gateway)") }
        do {
            try NetKernel.ip(inside, netns: sandbox.path)
            try restore(network, endpoint: endpoint)
        } catch {
            leave(network, endpoint: endpoint)
            throw error
        }
    }

    public func restore(_ network: NetworkRecord, endpoint: EndpointRecord) throws {
        guard !network.internal else { return }
        for mapping in endpoint.ports {
            for rule in FirewallRules.port(mapping) { try NetKernel.iptables(rule) }
        }
    }

    public func leave(_ network: NetworkRecord, endpoint: EndpointRecord) {
        for mapping in endpoint.ports {
            for rule in FirewallRules.port(mapping) { _ = try? NetKernel.iptables(FirewallRules.deletion(rule)) }
        }
        // Deleting one end of a veth pair deletes the other (inside the sandbox) too.
        if Self.exists(endpoint.hostVeth) { _ = try? NetKernel.ip(["link del \(endpoint.hostVeth)"]) }
    }
}
