import BerthCore

/// An IPv4 route in the main table (`ip route add DEST [via G] [dev D] [onlink] [scope S]`).
public struct IPv4Route: Sendable, Equatable, CustomStringConvertible {
    /// nil: the default route.
    public var destination: IPv4Network?
    public var gateway: IPv4Address?
    public var device: LinkReference?
    public var onlink: Bool
    /// nil: `link` for a route without gateway, else `universe`, as `ip route` chooses.
    public var scope: RouteScope?
    public var table: UInt8
    public var preferredSource: IPv4Address?
    public var metric: UInt32?
    /// `RTPROT_*`: who made it (kernel for prefix routes, boot for what `ip` adds).
    public var protocolID: UInt8

    public init(destination: IPv4Network? = nil, gateway: IPv4Address? = nil, device: LinkReference? = nil,
                onlink: Bool = false, scope: RouteScope? = nil, table: UInt8 = RTNL.RT_TABLE_MAIN,
                preferredSource: IPv4Address? = nil, metric: UInt32? = nil, protocolID: UInt8 = RTNL.RTPROT_BOOT) {
        self.destination = destination
        self.gateway = gateway
        self.device = device
        self.onlink = onlink
        self.scope = scope
        self.table = table
        self.preferredSource = preferredSource
        self.metric = metric
        self.protocolID = protocolID
    }

    /// The scope sent to the kernel.
    public var effectiveScope: RouteScope { scope ?? (gateway == nil && device != nil ? .link : .universe) }

    public var description: String {
        var s = destination.map { "\($0)" } ?? "default"
        if let gateway { s += " via \(gateway)" }
        if let device { s += " dev \(device)" }
        if onlink { s += " onlink" }
        if let scope { s += " scope \(scope)" }
        return s
    }
}

/// `rtm_scope` (linux/rtnetlink.h).
public enum RouteScope: UInt8, Sendable, Equatable, CustomStringConvertible {
    case universe = 0
    case site = 200
    case link = 253
    case host = 254
    case nowhere = 255

    public var description: String {
        switch self {
        case .universe: return "global"
        case .site: return "site"
        case .link: return "link"
        case .host: return "host"
        case .nowhere: return "nowhere"
        }
    }
}
