import BerthCore
import BerthKernel
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
    /// Like `leave`, for an endpoint whose sandbox is destroyed next: what lives outside the sandbox is withdrawn
    /// or quiesced, and the kernel removes the links inside with the namespace. Defaults to `leave`.
    func retire(_ network: NetworkRecord, endpoint: EndpointRecord)
    /// Re-publishes the ports of a live endpoint after an agent restart.
    func restore(_ network: NetworkRecord, endpoint: EndpointRecord) throws
}

extension NetworkDriver {
    public func retire(_ network: NetworkRecord, endpoint: EndpointRecord) { leave(network, endpoint: endpoint) }
}

/// Docker's `bridge` driver: a Linux bridge with the gateway address, a veth per endpoint, iptables for masquerade,
/// isolation and published ports. The kernel is programmed over netlink (no `ip` spawns); rules go through the
/// injected ``Firewall``, batched.
public struct BridgeDriver: NetworkDriver {
    public var name: String { "bridge" }
    let netlink: any Netlink
    let firewall: any Firewall
    let namespaces: any NetworkNamespaces

    public init(netlink: any Netlink = SystemNetlink(), firewall: any Firewall = IPTables(),
                namespaces: any NetworkNamespaces = SystemNamespaces()) {
        self.netlink = netlink
        self.firewall = firewall
        self.namespaces = namespaces
    }

    public func createNetwork(_ network: NetworkRecord, allBridges: [String]) throws {
        guard let bridge = network.bridge, let pool = network.pool else { return }
        try netlink.withSession(in: .current) { host in
            if let existing = try host.link(.name(bridge)) {
                if let mtu = network.mtu, existing.mtu != mtu { try host.setLink(.name(bridge), LinkChange(mtu: mtu)) }
            } else {
                do {
                    try host.addLink(LinkSpec(name: bridge, kind: .bridge, mtu: network.mtu))
                } catch let e as NetlinkError where e.isExists {} // made meanwhile by someone else
            }
            try host.replaceAddress(InterfaceAddress(address: pool.gateway, prefix: pool.subnet.prefix,
                                                     device: .name(bridge)))
            if let pool6 = network.activePool6 {
                namespaces.sysctl("net.ipv6.conf.\(bridge).disable_ipv6", "0", in: .current)
                do {
                    try host.addAddress6(InterfaceAddress6(address: pool6.gateway, prefix: pool6.subnet.prefix,
                                                           device: .name(bridge)))
                } catch let e as NetlinkError where e.isExists {}
            }
            try host.setLink(.name(bridge), LinkChange(up: true))
        }
        if network.activePool6 != nil { namespaces.sysctl("net.ipv6.conf.all.forwarding", "1", in: .current) }
        namespaces.sysctl("net.ipv4.ip_forward", "1", in: .current)
        namespaces.sysctl("net.ipv4.conf.\(bridge).route_localnet", "1", in: .current)
        try firewall.ensure(FirewallRules.network(bridge: bridge, subnet: pool.subnet, isInternal: network.internal,
                                                  bridgePrefixes: allBridges.filter { $0 != bridge }))
    }

    public func deleteNetwork(_ network: NetworkRecord) throws {
        guard let bridge = network.bridge, let pool = network.pool else { return }
        firewall.delete(FirewallRules.network(bridge: bridge, subnet: pool.subnet, isInternal: network.internal,
                                              bridgePrefixes: []))
        // Isolation rules of other networks naming this bridge.
        for table in FirewallRules.tables {
            let listing = (try? firewall.listing(table: table)) ?? ""
            let naming = FirewallRules.ownedRuleDeletions(table: table, listing: listing).filter { $0.contains(bridge) }
            if !naming.isEmpty { firewall.delete(naming) }
        }
        try netlink.withSession(in: .current) { try $0.deleteLinkIfPresent(.name(bridge)) }
    }

    public func join(_ network: NetworkRecord, endpoint: EndpointRecord, sandbox: Sandbox) throws {
        guard let bridge = network.bridge, let pool = network.pool else { return }
        let inside = NetworkNamespace.path(sandbox.path)
        do {
            // One request makes the pair: the host end on the bridge and up, the peer straight in the sandbox.
            try netlink.withSession(in: .current) { host in
                try host.addLink(LinkSpec(
                    name: endpoint.hostVeth,
                    kind: .veth(peer: VethPeer(name: endpoint.interface, mtu: network.mtu,
                                               address: MACAddress(endpoint.mac), namespace: inside)),
                    mtu: network.mtu, master: .name(bridge), up: true))
            }
            try netlink.withSession(in: inside) { box in
                try box.setLink(.name(endpoint.interface), LinkChange(up: true))
                try box.addAddress(InterfaceAddress(address: endpoint.address, prefix: pool.subnet.prefix,
                                                    device: .name(endpoint.interface)))
                for extra in endpoint.linkLocal ?? [] {
                    try box.addAddress(InterfaceAddress(address: extra, prefix: 16, device: .name(endpoint.interface)))
                }
                if !network.internal, endpoint.routesDefault {
                    try box.addRoute(IPv4Route(gateway: pool.gateway, device: .name(endpoint.interface)))
                }
                if let address6 = endpoint.address6, let pool6 = network.activePool6 {
                    try box.addAddress6(InterfaceAddress6(address: address6, prefix: pool6.subnet.prefix,
                                                          device: .name(endpoint.interface)))
                    if !network.internal, endpoint.routesDefault {
                        try box.addRoute6(IPv6Route(gateway: pool6.gateway, device: .name(endpoint.interface)))
                    }
                }
            }
            try restore(network, endpoint: endpoint)
        } catch {
            leave(network, endpoint: endpoint)
            throw error
        }
    }

    public func restore(_ network: NetworkRecord, endpoint: EndpointRecord) throws {
        guard !network.internal else { return }
        try firewall.append(endpoint.ports.flatMap(FirewallRules.port))
    }

    public func leave(_ network: NetworkRecord, endpoint: EndpointRecord) {
        let rules = endpoint.ports.flatMap(FirewallRules.port)
        if !rules.isEmpty { firewall.delete(rules) }
        // Deleting one end of a veth pair deletes the other (inside the sandbox) too.
        _ = try? netlink.withSession(in: .current) { try $0.deleteLinkIfPresent(.name(endpoint.hostVeth)) }
    }

    /// The host end goes down (its bridge port stops forwarding at once, so the address can be handed out again);
    /// the pair itself goes with the sandbox's namespace, which the kernel tears down off the caller's path. A
    /// synchronous delete right after a container exits waits out an RCU barrier of about 10 ms.
    public func retire(_ network: NetworkRecord, endpoint: EndpointRecord) {
        let rules = endpoint.ports.flatMap(FirewallRules.port)
        if !rules.isEmpty { firewall.delete(rules) }
        _ = try? netlink.withSession(in: .current) { host in
            do { try host.setLink(.name(endpoint.hostVeth), LinkChange(up: false)) } catch let e as NetlinkError where e.isMissing {}
        }
    }
}
