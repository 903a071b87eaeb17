/// A link as the kernel reports it (`RTM_NEWLINK`).
public struct Link: Sendable, Equatable {
    public var index: Int32
    public var name: String
    /// `IFLA_INFO_KIND` (`bridge`, `veth`, `vxlan`, `macvlan`); nil for plain devices such as `lo`.
    public var kind: String?
    public var mtu: Int?
    public var address: MACAddress?
    /// The index of the bridge it is plugged into.
    public var master: Int32?
    /// `IFLA_LINK`: a veth's peer, a vxlan's or macvlan's parent (an index, perhaps in another namespace).
    public var parent: Int32?
    public var flags: UInt32
    /// vxlan details when `kind` is `vxlan`.
    public var vxlan: VXLANOptions?
    /// The macvlan mode when `kind` is `macvlan`.
    public var macvlanMode: MacvlanMode?

    public init(index: Int32, name: String, kind: String? = nil, mtu: Int? = nil, address: MACAddress? = nil,
                master: Int32? = nil, parent: Int32? = nil, flags: UInt32 = 0, vxlan: VXLANOptions? = nil,
                macvlanMode: MacvlanMode? = nil) {
        self.index = index
        self.name = name
        self.kind = kind
        self.mtu = mtu
        self.address = address
        self.master = master
        self.parent = parent
        self.flags = flags
        self.vxlan = vxlan
        self.macvlanMode = macvlanMode
    }

    /// Administratively up (`IFF_UP`).
    public var isUp: Bool { flags & RTNL.IFF_UP != 0 }
}
