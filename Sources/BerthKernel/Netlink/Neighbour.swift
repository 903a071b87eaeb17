import BerthCore

/// An IPv4 neighbour (ARP) entry: `ip neigh replace A lladdr M dev D nud permanent`.
public struct Neighbour: Sendable, Equatable, CustomStringConvertible {
    public var address: IPv4Address
    public var lladdr: MACAddress?
    public var device: LinkReference
    /// `NUD_*` state; `NUD_PERMANENT` by default.
    public var state: UInt16

    public init(address: IPv4Address, lladdr: MACAddress?, device: LinkReference, state: UInt16 = RTNL.NUD_PERMANENT) {
        self.address = address
        self.lladdr = lladdr
        self.device = device
        self.state = state
    }

    public var isPermanent: Bool { state & RTNL.NUD_PERMANENT != 0 }

    public var description: String {
        "\(address)" + (lladdr.map { " lladdr \($0)" } ?? "") + " dev \(device)" + (isPermanent ? " nud permanent" : "")
    }
}
