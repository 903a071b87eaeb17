/// An IPv6 address as two 64-bit halves (network order: `high` holds the first eight bytes).
public struct IPv6Address: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses RFC 4291 text: eight hex groups, one `::`, an IPv4 tail allowed; nil for anything else.
    public init?(_ text: String) {
        guard text.contains(":"), text.count <= 45, !text.contains(":::") else { return nil }
        var groups: [UInt16] = []
        var gap: Int?
        let halves = text.components(separatedByString: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            for (i, field) in fields.enumerated() {
                if i == fields.count - 1, field.contains(".") {
                    guard let v4 = IPv4Address(field) else { return nil }
                    out += [UInt16(v4.value >> 16), UInt16(v4.value & 0xffff)]
                } else {
                    guard (1...4).contains(field.count), let v = UInt16(field, radix: 16) else { return nil }
                    out.append(v)
                }
            }
            return out
        }
        guard let head = parse(halves[0]) else { return nil }
        groups = head
        if halves.count == 2 {
            guard let tail = parse(halves[1]), head.count + tail.count <= 7 else { return nil }
            gap = head.count
            groups += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard groups.count == 8, gap != nil || halves.count == 1 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for g in groups[0..<4] { high = high << 16 | UInt64(g) }
        for g in groups[4..<8] { low = low << 16 | UInt64(g) }
        self.init(high: high, low: low)
    }

    /// The sixteen bytes, network order.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.init(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
                  low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    }

    var groups: [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
    }

    /// RFC 5952 text: lower-case, no leading zeros, the longest run of two or more zero groups as `::`.
    public var description: String {
        let g = groups
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            guard g[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8 && g[j] == 0 { j += 1 }
            if j - i > bestLength && j - i >= 2 { (bestStart, bestLength) = (i, j - i) }
            i = j
        }
        let hex = { (range: Range<Int>) in range.map { String(g[$0], radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public static func < (a: Self, b: Self) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// The address `n` after this one (carrying into the high half).
    public func adding(_ n: UInt64) -> IPv6Address {
        let (sum, overflow) = low.addingReportingOverflow(n)
        return IPv6Address(high: overflow ? high &+ 1 : high, low: sum)
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let a = IPv6Address(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad IPv6 \(s)"))
        }
        self = a
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An IPv6 network in CIDR form, e.g. `2001:db8:1::/64`.
public struct IPv6Network: Hashable, Sendable, CustomStringConvertible, Codable {
    public var address: IPv6Address
    public var prefix: Int

    public init(address: IPv6Address, prefix: Int) {
        self.prefix = prefix
        let (hm, lm) = IPv6Network.mask(prefix)
        self.address = IPv6Address(high: address.high & hm, low: address.low & lm)
    }

    /// Parses `addr/n` with n from 0 to 128; the host bits must be zero unless `strict` is false.
    public init(parsing text: String, strict: Bool = true) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = IPv6Address(String(parts[0])), let p = Int(parts[1]), (0...128).contains(p) else {
            throw BerthError.invalidArgument("invalid CIDR \"\(text)\": expected an IPv6 address/n with n from 0 to 128")
        }
        let network = IPv6Network(address: a, prefix: p)
        if strict, network.address != a {
            throw BerthError.invalidArgument("invalid CIDR \"\(text)\": host bits are set (did you mean \(network)?)")
        }
        self = network
    }

    static func mask(_ prefix: Int) -> (UInt64, UInt64) {
        let high: UInt64 = prefix >= 64 ? ~0 : (prefix == 0 ? 0 : ~UInt64(0) << (64 - prefix))
        let low: UInt64 = prefix <= 64 ? 0 : (prefix == 128 ? ~0 : ~UInt64(0) << (128 - prefix))
        return (high, low)
    }

    public var description: String { "\(address)/\(prefix)" }

    public func contains(_ a: IPv6Address) -> Bool { IPv6Network(address: a, prefix: prefix).address == address }

    public func overlaps(_ other: IPv6Network) -> Bool {
        let p = min(prefix, other.prefix)
        return IPv6Network(address: address, prefix: p) == IPv6Network(address: other.address, prefix: p)
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        do { self = try IPv6Network(parsing: s, strict: false) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad IPv6 network \(s)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// IPv6 address management for one network, as dockerd's default IPAM does it: the gateway is the subnet's
/// `::1` unless given, endpoints get the lowest free address after it. Pure.
public struct IPv6Pool: Hashable, Sendable, Codable {
    public var subnet: IPv6Network
    public var gateway: IPv6Address
    /// Whether the gateway was given (`--gateway`): dockerd lists only given gateways in `IPAM.Config`.
    public var gatewayGiven: Bool
    /// `--ip-range`: addresses handed out without a request come from it (nil: the whole subnet).
    public var range: IPv6Network?

    public init(subnet: IPv6Network, gateway: IPv6Address? = nil, range: IPv6Network? = nil) throws {
        if let range {
            guard range.prefix >= subnet.prefix, subnet.contains(range.address) else {
                throw BerthError.invalidArgument("invalid pool request: Invalid range \(range) for subnet \(subnet)")
            }
        }
        self.range = range
        guard subnet.prefix <= 126 else {
            throw BerthError.invalidArgument("invalid IPv6 subnet \(subnet): a /126 or larger is needed")
        }
        let gw = gateway ?? subnet.address.adding(1)
        guard subnet.contains(gw), gw != subnet.address else {
            throw IPv4Pool.FailureText.gateway(gw.description)
        }
        self.subnet = subnet
        self.gateway = gw
        self.gatewayGiven = gateway != nil
    }

    /// `requested` when it is in the subnet and free, else the lowest free address after the subnet's start.
    public func allocate(requested: IPv6Address?, taken: Set<IPv6Address>) throws -> IPv6Address {
        var used = taken
        used.insert(gateway)
        if let requested {
            guard subnet.contains(requested), requested != subnet.address else {
                throw BerthError.invalidArgument(
                    "invalid endpoint settings:\nno configured subnet or ip-range contain the IP address \(requested)")
            }
            guard !used.contains(requested) else { throw BerthError.invalidArgument("Address already in use") }
            return requested
        }
        let within = range ?? subnet
        var candidate = within.address == subnet.address ? within.address.adding(1) : within.address
        for _ in 0..<(used.count + 2) {
            if !used.contains(candidate), within.contains(candidate) { return candidate }
            candidate = candidate.adding(1)
        }
        throw BerthError.invalidArgument("no available IPv6 addresses on this network's address pools: \(within)")
    }
}

extension IPv4Pool {
    /// dockerd's words for a gateway outside its subnet, for either family.
    public enum FailureText: Error, CustomStringConvertible {
        case gateway(String)
        public var description: String {
            switch self { case .gateway(let g): return "no matching subnet for gateway \(g)" }
        }
    }
}

extension String {
    /// Splits on a multi-character separator (no Foundation).
    func components(separatedByString separator: String) -> [String] {
        let chars = Array(self), sep = Array(separator)
        var out: [String] = []
        var current: [Character] = []
        var i = 0
        while i < chars.count {
            if i + sep.count <= chars.count, Array(chars[i..<(i + sep.count)]) == sep {
                out.append(String(current))
                current = []
                i += sep.count
            } else {
                current.append(chars[i])
                i += 1
            }
        }
        out.append(String(current))
        return out
    }
}
