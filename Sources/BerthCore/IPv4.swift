/// An IPv4 address as a 32-bit number.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var value: UInt32
    public init(_ value: UInt32) { self.value = value }

    /// Parses dotted-quad text; nil when it is not exactly four decimal octets.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let o = UInt32(p), o <= 255
            else { return nil }
            v = v << 8 | o
        }
        value = v
    }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }
    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let a = IPv4Address(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad IPv4 \(s)"))
        }
        self = a
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An IPv4 network in CIDR form, e.g. `10.213.47.0/24`.
public struct IPv4Network: Hashable, Sendable, CustomStringConvertible, Codable {
    public var address: IPv4Address
    public var prefix: Int

    public init(address: IPv4Address, prefix: Int) {
        self.prefix = prefix
        self.address = IPv4Address(address.value & IPv4Network.mask(prefix))
    }

    /// Parses `a.b.c.d/n`; the host bits must be zero unless `strict` is false.
    public init(parsing text: String, strict: Bool = true) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = IPv4Address(String(parts[0])), let p = Int(parts[1]), (0...32).contains(p) else {
            throw BerthError.invalidArgument("invalid CIDR \"\(text)\": expected a.b.c.d/n with n from 0 to 32")
        }
        if strict, a.value & ~IPv4Network.mask(p) != 0 {
            throw BerthError.invalidArgument(
                "invalid CIDR \"\(text)\": host bits are set (did you mean \(IPv4Network(address: a, prefix: p))?)")
        }
        self.init(address: a, prefix: p)
    }

    public static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix) }

    public var netmask: IPv4Address { IPv4Address(IPv4Network.mask(prefix)) }
    public var size: UInt64 { UInt64(1) << (32 - prefix) }
    public var broadcast: IPv4Address { IPv4Address(address.value | ~IPv4Network.mask(prefix)) }
    /// The first usable host address (the conventional gateway).
    public var firstHost: IPv4Address { IPv4Address(prefix >= 31 ? address.value : address.value + 1) }
    public var lastHost: IPv4Address { IPv4Address(prefix >= 31 ? broadcast.value : broadcast.value - 1) }

    public func contains(_ a: IPv4Address) -> Bool { a.value & IPv4Network.mask(prefix) == address.value }
    public func overlaps(_ other: IPv4Network) -> Bool {
        let p = min(prefix, other.prefix)
        return address.value & IPv4Network.mask(p) == other.address.value & IPv4Network.mask(p)
    }

    /// The lowest host address not in `taken` and not the gateway (first host), if any.
    public func firstFree(excluding taken: Set<IPv4Address>) -> IPv4Address? {
        guard prefix <= 30 else { return nil }
        var v = firstHost.value + 1
        while v <= lastHost.value {
            if !taken.contains(IPv4Address(v)) { return IPv4Address(v) }
            v += 1
        }
        return nil
    }

    public var description: String { "\(address)/\(prefix)" }

    public init(from decoder: Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
