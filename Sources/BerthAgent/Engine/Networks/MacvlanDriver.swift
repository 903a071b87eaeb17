import BerthCore
import BerthKernel
import Glibc

/// Docker's `macvlan` driver: each container gets a macvlan link of the network's parent interface straight in its
/// sandbox (`eth0@ifN` inside, no bridge, no NAT), with its own MAC, so it sits on the parent's link like another
/// machine. `-o parent=eth0` (required: berthd makes no dummy parent), `-o macvlan_mode=bridge|private|vepa|passthru`.
/// A parent like `eth0.10` is made as an 802.1Q sub-interface of `eth0` when it does not exist (and removed with the
/// network). The parent is put in promiscuous mode, as the study notes do by hand.
public struct MacvlanDriver: NetworkDriver {
    public var name: String { "macvlan" }
    /// `<execRoot>/netns`, where sandboxes live (a leaving endpoint's link is inside its sandbox).
    let sandboxRoot: String
    let netlink: any Netlink

    public init(sandboxRoot: String, netlink: any Netlink = SystemNetlink()) {
        self.sandboxRoot = sandboxRoot
        self.netlink = netlink
    }

    static let modes: [String: MacvlanMode] = ["bridge": .bridge, "private": .private, "vepa": .vepa,
                                               "passthru": .passthru]

    /// The network's parent interface and mode, from its options (checked at create).
    static func settings(_ options: [String: String]) throws -> (parent: String, mode: MacvlanMode) {
        for key in options.keys where key != "parent" && key != "macvlan_mode" {
            throw NetworkError.invalid("macvlan: unknown option \(key)")
        }
        guard let parent = options["parent"], !parent.isEmpty else {
            throw NetworkError.invalid("macvlan: -o parent=INTERFACE is required (berthd makes no dummy parent)")
        }
        guard parent.utf8.count <= 15, !parent.contains("/"), !parent.contains(" ") else {
            throw NetworkError.invalid("macvlan: invalid parent interface name \(parent)")
        }
        let modeText = options["macvlan_mode"] ?? "bridge"
        guard let mode = modes[modeText] else {
            throw NetworkError.invalid("macvlan: unknown macvlan_mode \(modeText): use bridge, private, vepa or passthru")
        }
        return (parent, mode)
    }

    /// `eth0.10` as (`eth0`, 10); nil for a plain interface name.
    static func vlan(_ parent: String) -> (String, UInt16)? {
        guard let dot = parent.lastIndex(of: "."), let id = UInt16(parent[parent.index(after: dot)...]),
              id >= 1, id <= 4094 else { return nil }
        let base = String(parent[..<dot])
        return base.isEmpty ? nil : (base, id)
    }

    public func createNetwork(_ network: NetworkRecord, allBridges: [String]) throws {
        let (parent, _) = try Self.settings(network.options)
        try netlink.withSession(in: .current) { host in
            if try host.link(.name(parent)) == nil {
                guard let (base, id) = Self.vlan(parent) else {
                    throw NetworkError.invalid("macvlan: the parent interface \(parent) does not exist")
                }
                guard try host.link(.name(base)) != nil else {
                    throw NetworkError.invalid("macvlan: the parent interface \(base) of \(parent) does not exist")
                }
                do {
                    try host.addLink(LinkSpec(name: parent, kind: .vlan(id: id, parent: .name(base)), up: true))
                } catch let e as NetlinkError {
                    if case .kernel(_, let code, _) = e, code == EOPNOTSUPP || code == ENOENT || code == EINVAL {
                        throw NetworkError.invalid("macvlan: cannot create the VLAN sub-interface \(parent): this kernel has no 802.1Q VLAN support (the 8021q module): \(String(cString: strerror(code)))")
                    }
                    throw e
                }
            }
            try host.setLink(.name(parent), LinkChange(up: true, promiscuous: true))
        }
    }

    public func deleteNetwork(_ network: NetworkRecord) throws {
        // A VLAN sub-interface this driver made goes with its network.
        guard network.createdParent == true, let parent = network.options["parent"] else { return }
        try netlink.withSession(in: .current) { try $0.deleteLinkIfPresent(.name(parent)) }
    }

    public func join(_ network: NetworkRecord, endpoint: EndpointRecord, sandbox: Sandbox) throws {
        guard let pool = network.pool else { return }
        let (parent, mode) = try Self.settings(network.options)
        let inside = NetworkNamespace.path(sandbox.path)
        try netlink.withSession(in: .current) { host in
            try host.addLink(LinkSpec(name: endpoint.interface, kind: .macvlan(mode: mode, parent: .name(parent)),
                                      mtu: network.mtu, address: MACAddress(endpoint.mac), namespace: inside))
        }
        do {
            try netlink.withSession(in: inside) { box in
                try box.setLink(.name(endpoint.interface), LinkChange(up: true))
                try box.addAddress(InterfaceAddress(address: endpoint.address, prefix: pool.subnet.prefix,
                                                    device: .name(endpoint.interface)))
                if !network.internal, endpoint.routesDefault {
                    try box.addRoute(IPv4Route(gateway: pool.gateway, device: .name(endpoint.interface)))
                }
                // `--ipv6`: the address straight on the link, the default route by the subnet's gateway (a router
                // on the parent's link, as with IPv4).
                if let address6 = endpoint.address6, let pool6 = network.activePool6 {
                    try box.addAddress6(InterfaceAddress6(address: address6, prefix: pool6.subnet.prefix,
                                                          device: .name(endpoint.interface)))
                    if !network.internal, endpoint.routesDefault {
                        try box.addRoute6(IPv6Route(gateway: pool6.gateway, device: .name(endpoint.interface)))
                    }
                }
            }
        } catch {
            leave(network, endpoint: endpoint)
            throw error
        }
    }

    public func restore(_ network: NetworkRecord, endpoint: EndpointRecord) throws {}

    public func leave(_ network: NetworkRecord, endpoint: EndpointRecord) {
        let path = sandboxRoot + "/" + endpoint.containerID.prefix(12)
        _ = try? netlink.withSession(in: .path(path)) { try $0.deleteLinkIfPresent(.name(endpoint.interface)) }
    }
}
