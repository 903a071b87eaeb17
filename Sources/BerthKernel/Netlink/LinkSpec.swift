import BerthCore

/// A link to create (`ip link add`).
public struct LinkSpec: Sendable, Equatable {
    public var name: String
    public var kind: LinkKind
    public var mtu: Int?
    public var address: MACAddress?
    /// The bridge it is plugged into.
    public var master: LinkReference?
    /// Created straight in this namespace instead of the session's.
    public var namespace: NetworkNamespace?
    public var up: Bool

    public init(name: String, kind: LinkKind, mtu: Int? = nil, address: MACAddress? = nil,
                master: LinkReference? = nil, namespace: NetworkNamespace? = nil, up: Bool = false) {
        self.name = name
        self.kind = kind
        self.mtu = mtu
        self.address = address
        self.master = master
        self.namespace = namespace
        self.up = up
    }
}

/// The kinds of link Berth makes, with what each needs.
public enum LinkKind: Sendable, Equatable {
    case bridge
    case veth(peer: VethPeer)
    case vxlan(VXLANOptions)
    case macvlan(mode: MacvlanMode, parent: LinkReference)
    /// An 802.1Q sub-interface (`ip link add link eth0 name eth0.10 type vlan id 10`); needs the 8021q module.
    case vlan(id: UInt16, parent: LinkReference)

    /// The kernel's name for it (`IFLA_INFO_KIND`).
    public var kernelName: String {
        switch self {
        case .bridge: return "bridge"
        case .veth: return "veth"
        case .vxlan: return "vxlan"
        case .macvlan: return "macvlan"
        case .vlan: return "vlan"
        }
    }
}

/// The other end of a veth pair, made in the same request (typically straight in a container's namespace).
public struct VethPeer: Sendable, Equatable {
    public var name: String
    public var mtu: Int?
    public var address: MACAddress?
    public var namespace: NetworkNamespace?

    /// The peer is always made down: the kernel opens a veth's peer before it links the pair, so asking for it up
    /// in the same request fails with ENOTCONN (kernel 6.x). Bring it up in its namespace afterwards.
    public init(name: String, mtu: Int? = nil, address: MACAddress? = nil, namespace: NetworkNamespace? = nil) {
        self.name = name
        self.mtu = mtu
        self.address = address
        self.namespace = namespace
    }
}

/// `ip link add NAME type vxlan id ID [local A] [dstport P] [nolearning] [dev PARENT]`.
public struct VXLANOptions: Sendable, Equatable {
    public var id: UInt32
    public var local: IPv4Address?
    public var port: UInt16?
    public var learning: Bool
    public var parent: LinkReference?
    /// `proxy`: the device answers ARP requests from its neighbour table (libnetwork's overlay sets it, so remote
    /// containers resolve without flooding).
    public var proxy: Bool

    public init(id: UInt32, local: IPv4Address? = nil, port: UInt16? = nil, learning: Bool = true,
                parent: LinkReference? = nil, proxy: Bool = false) {
        self.id = id
        self.local = local
        self.port = port
        self.learning = learning
        self.parent = parent
        self.proxy = proxy
    }
}

/// `macvlan mode ...` (linux/if_link.h).
public enum MacvlanMode: UInt32, Sendable, Equatable {
    case `private` = 1
    case vepa = 2
    case bridge = 4
    case passthru = 8
    case source = 16
}
