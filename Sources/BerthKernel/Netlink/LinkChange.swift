/// What `ip link set` changes; nil fields stay as they are.
public struct LinkChange: Sendable, Equatable {
    public var up: Bool?
    /// A bridge to plug into; `.index(0)` unplugs (`nomaster`).
    public var master: LinkReference?
    public var mtu: Int?
    public var address: MACAddress?
    /// A new interface name.
    public var name: String?
    /// Moves the link into this namespace.
    public var namespace: NetworkNamespace?
    /// `promisc on|off`.
    public var promiscuous: Bool?

    public init(up: Bool? = nil, master: LinkReference? = nil, mtu: Int? = nil, address: MACAddress? = nil,
                name: String? = nil, namespace: NetworkNamespace? = nil, promiscuous: Bool? = nil) {
        self.promiscuous = promiscuous
        self.up = up
        self.master = master
        self.mtu = mtu
        self.address = address
        self.name = name
        self.namespace = namespace
    }
}
