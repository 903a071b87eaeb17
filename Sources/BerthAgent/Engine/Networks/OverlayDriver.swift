import BerthCore
import BerthKernel
import Glibc

/// Docker's classic multi-host `overlay` driver (libnetwork before swarm mode), on the kernel's VXLAN. Per network
/// and machine: one network namespace (`1-<id10>`, listed by `ip netns`) holding a bridge `br0` with the gateway
/// address and a VXLAN device `vxlan0` (the network's VNI, UDP 4789, no learning, ARP proxy), whose UDP socket stays
/// in the machine's own namespace; each container gets a veth from `br0` into its sandbox. Remote endpoints, learnt
/// from the cluster store by ``NetworkStore``, become permanent neighbour and forwarding entries on `vxlan0`
/// (``program(_:_:)``). Networks on different VNIs share nothing, so they cannot reach each other.
public struct OverlayDriver: NetworkDriver {
    public var name: String { "overlay" }
    public var scope: NetworkScope { .global }
    /// Where the overlay namespaces are bind-mounted (`<execRoot>/overlay`).
    let root: String
    let netlink: any Netlink
    let namespaces: any NetworkNamespaces
    public static let vxlanPort: UInt16 = 4789
    static let bridgeName = "br0"
    static let vxlanName = "vxlan0"

    public init(root: String, netlink: any Netlink = SystemNetlink(),
                namespaces: any NetworkNamespaces = SystemNamespaces()) {
        self.root = root
        self.netlink = netlink
        self.namespaces = namespaces
    }

    /// libnetwork's name for a network's namespace: `1-` and the ID's first ten characters.
    public static func namespaceName(_ network: NetworkRecord) -> String { "1-" + network.id.prefix(10) }

    func namespacePath(_ network: NetworkRecord) -> String { root + "/" + Self.namespaceName(network) }

    /// The MTU of the network's links: the option, else the underlay's less VXLAN's 50 bytes.
    func mtu(_ network: NetworkRecord) -> Int { network.mtu ?? (underlayMTU() - 50) }

    /// The MTU of the machine's `eth0` (its underlay; lab hosts and most VMs), else of its first physical-looking
    /// link; 1500 when none says.
    func underlayMTU() -> Int {
        guard let links = try? netlink.withSession(in: .current, { try $0.links() }) else { return 1500 }
        let candidates = links.filter { $0.name == "eth0" } + links.filter { $0.kind == nil && $0.name != "lo" }
        return candidates.first?.mtu ?? 1500
    }

    public func createNetwork(_ network: NetworkRecord, allBridges: [String]) throws {
        guard let pool = network.pool, let vni = network.vni else {
            throw NetworkError.invalid("overlay network \(network.name) has no subnet or VNI")
        }
        let path = namespacePath(network)
        let mtu = mtu(network)
        if !namespaces.isNamespace(path) {
            try NetKernel.createNamespace(at: path, link: Self.namespaceName(network))
        }
        let inside = NetworkNamespace.path(path)
        do {
            try netlink.withSession(in: inside) { ns in
                if try ns.link(.name(Self.bridgeName)) == nil {
                    try ns.addLink(LinkSpec(name: Self.bridgeName, kind: .bridge, mtu: mtu))
                }
                try ns.replaceAddress(InterfaceAddress(address: pool.gateway, prefix: pool.subnet.prefix,
                                                       device: .name(Self.bridgeName)))
                try ns.setLink(.name(Self.bridgeName), LinkChange(up: true))
            }
            // Made from the machine's namespace straight into the overlay one: the device lives there, its UDP
            // socket here, on the underlay.
            let exists = try netlink.withSession(in: inside) { try $0.link(.name(Self.vxlanName)) != nil }
            if !exists {
                try netlink.withSession(in: .current) { host in
                    try host.addLink(LinkSpec(name: Self.vxlanName,
                                              kind: .vxlan(VXLANOptions(id: UInt32(vni), port: Self.vxlanPort,
                                                                        learning: false, proxy: true)),
                                              mtu: mtu, namespace: inside))
                }
            }
            try netlink.withSession(in: inside) { ns in
                try ns.setLink(.name(Self.vxlanName), LinkChange(up: true, master: .name(Self.bridgeName)))
            }
        } catch {
            NetKernel.removeNamespace(at: path, link: Self.namespaceName(network))
            throw error
        }
    }

    public func deleteNetwork(_ network: NetworkRecord) throws {
        // The namespace holds the bridge and the VXLAN device: both go with it.
        NetKernel.removeNamespace(at: namespacePath(network), link: Self.namespaceName(network))
    }

    public func join(_ network: NetworkRecord, endpoint: EndpointRecord, sandbox: Sandbox) throws {
        guard let pool = network.pool else { return }
        let mtu = mtu(network)
        let inside = NetworkNamespace.path(sandbox.path)
        do {
            try netlink.withSession(in: .path(namespacePath(network))) { ns in
                try ns.addLink(LinkSpec(
                    name: endpoint.hostVeth,
                    kind: .veth(peer: VethPeer(name: endpoint.interface, mtu: mtu, address: MACAddress(endpoint.mac),
                                               namespace: inside)),
                    mtu: mtu, master: .name(Self.bridgeName), up: true))
            }
            try netlink.withSession(in: inside) { box in
                try box.setLink(.name(endpoint.interface), LinkChange(up: true))
                try box.addAddress(InterfaceAddress(address: endpoint.address, prefix: pool.subnet.prefix,
                                                    device: .name(endpoint.interface)))
            }
        } catch {
            leave(network, endpoint: endpoint)
            throw error
        }
    }

    public func restore(_ network: NetworkRecord, endpoint: EndpointRecord) throws {}

    public func leave(_ network: NetworkRecord, endpoint: EndpointRecord) {
        _ = try? netlink.withSession(in: .path(namespacePath(network))) {
            try $0.deleteLinkIfPresent(.name(endpoint.hostVeth))
        }
    }

    /// Applies `diff` to the network's VXLAN device: removals, then additions. Entries that cannot be programmed
    /// are returned (the caller keeps them out of what it believes is programmed).
    @discardableResult
    func program(_ network: NetworkRecord, _ diff: TunnelDiff) -> [TunnelEntry] {
        guard !diff.isEmpty else { return [] }
        var failed: [TunnelEntry] = []
        let device = LinkReference.name(Self.vxlanName)
        do {
            try netlink.withSession(in: .path(namespacePath(network))) { ns in
                for entry in diff.remove {
                    switch entry {
                    case .neighbour(let ip, let mac):
                        try? ns.deleteNeighbour(Neighbour(address: ip, lladdr: MACAddress(mac), device: device))
                    case .forwarding(let mac, let vtep):
                        if let m = MACAddress(mac) {
                            try? ns.deleteFDB(FDBEntry(lladdr: m, device: device, destination: vtep))
                        }
                    case .route:
                        break
                    }
                }
                for entry in diff.add {
                    do {
                        switch entry {
                        case .neighbour(let ip, let mac):
                            try ns.replaceNeighbour(Neighbour(address: ip, lladdr: MACAddress(mac), device: device))
                        case .forwarding(let mac, let vtep):
                            guard let m = MACAddress(mac) else { failed.append(entry); continue }
                            try ns.replaceFDB(FDBEntry(lladdr: m, device: device, destination: vtep))
                        case .route:
                            break
                        }
                    } catch {
                        failed.append(entry)
                    }
                }
            }
        } catch {
            return diff.add
        }
        return failed
    }
}
