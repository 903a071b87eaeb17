import BerthCore

/// An IPv6 address on an interface, as `ip -6 addr add ADDR/PREFIX dev DEV nodad` makes it: without duplicate
/// address detection (dockerd's choice too), so it is usable at once instead of tentative for a second.
public struct InterfaceAddress6: Sendable, Equatable, CustomStringConvertible {
    public var address: IPv6Address
    public var prefix: Int
    public var device: LinkReference
    public var noDAD: Bool

    public init(address: IPv6Address, prefix: Int, device: LinkReference, noDAD: Bool = true) {
        self.address = address
        self.prefix = prefix
        self.device = device
        self.noDAD = noDAD
    }

    public var description: String { "\(address)/\(prefix) dev \(device)" + (noDAD ? " nodad" : "") }
}

/// An IPv6 route in the main table: a destination (nil: default) via an optional gateway on an optional device.
public struct IPv6Route: Sendable, Equatable, CustomStringConvertible {
    public var destination: IPv6Network?
    public var gateway: IPv6Address?
    public var device: LinkReference?

    public init(destination: IPv6Network? = nil, gateway: IPv6Address? = nil, device: LinkReference? = nil) {
        self.destination = destination
        self.gateway = gateway
        self.device = device
    }

    public var description: String {
        var s = destination.map { "\($0)" } ?? "default"
        if let gateway { s += " via \(gateway)" }
        if let device { s += " dev \(device)" }
        return "-6 " + s
    }
}
