import BerthCore

/// A bridge forwarding-database entry: `bridge fdb replace M dev D [dst A] self permanent`. On a vxlan device
/// (`self`), `destination` is the remote VTEP a MAC lives behind.
public struct FDBEntry: Sendable, Equatable, CustomStringConvertible {
    public var lladdr: MACAddress
    public var device: LinkReference
    public var destination: IPv4Address?
    /// `NTF_*` flags: `NTF_SELF` (the device's own table, as vxlan uses) by default.
    public var flags: UInt8
    /// `NUD_*` state: `NUD_NOARP | NUD_PERMANENT` by default, as `bridge fdb ... permanent` sends.
    public var state: UInt16

    public init(lladdr: MACAddress, device: LinkReference, destination: IPv4Address? = nil,
                flags: UInt8 = RTNL.NTF_SELF, state: UInt16 = RTNL.NUD_NOARP | RTNL.NUD_PERMANENT) {
        self.lladdr = lladdr
        self.device = device
        self.destination = destination
        self.flags = flags
        self.state = state
    }

    public var isPermanent: Bool { state & RTNL.NUD_PERMANENT != 0 }

    public var description: String {
        "\(lladdr) dev \(device)" + (destination.map { " dst \($0)" } ?? "") + (flags & RTNL.NTF_SELF != 0 ? " self" : "")
            + (isPermanent ? " permanent" : "")
    }
}
