import BerthCore

/// An IPv4 address on a link (`ip addr add A/P dev D`).
public struct InterfaceAddress: Sendable, Equatable, CustomStringConvertible {
    public var address: IPv4Address
    public var prefix: Int
    public var device: LinkReference
    public var label: String?

    public init(address: IPv4Address, prefix: Int, device: LinkReference, label: String? = nil) {
        self.address = address
        self.prefix = prefix
        self.device = device
        self.label = label
    }

    public var description: String { "\(address)/\(prefix) dev \(device)" }
}
