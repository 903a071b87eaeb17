/// IPv4 address management for one network: a subnet, an optional range that addresses are handed out from, and
/// a gateway. Pure: the caller passes what is taken.
public struct IPv4Pool: Hashable, Sendable, Codable {
    public var subnet: IPv4Network
    /// Where dynamic addresses come from (`--ip-range`); the whole subnet when nil.
    public var range: IPv4Network?
    public var gateway: IPv4Address

    /// Why a pool or an address was refused, with docker's wording.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case gatewayOutsideSubnet(IPv4Address)
        case rangeOutsideSubnet(IPv4Network)
        case overlaps(IPv4Network)
        case addressOutside(IPv4Address)
        case addressInUse(IPv4Address)
        case exhausted(IPv4Network)

        public var description: String {
            switch self {
            case .gatewayOutsideSubnet(let g): return "no matching subnet for gateway \(g)"
            case .rangeOutsideSubnet(let r): return "no matching subnet for range \(r)"
            case .overlaps: return "invalid pool request: Pool overlaps with other one on this address space"
            case .addressOutside(let a):
                return "invalid endpoint settings:\nno configured subnet or ip-range contain the IP address \(a)"
            case .addressInUse: return "Address already in use"
            case .exhausted(let n): return "no available IPv4 addresses on this network's address pools: \(n)"
            }
        }
    }

    /// Validates `--subnet/--ip-range/--gateway`; the gateway defaults to the subnet's first host.
    public init(subnet: IPv4Network, range: IPv4Network? = nil, gateway: IPv4Address? = nil) throws {
        if let range, !(subnet.contains(range.address) && range.prefix >= subnet.prefix) {
            throw Failure.rangeOutsideSubnet(range)
        }
        let gw = gateway ?? subnet.firstHost
        guard subnet.contains(gw), gw != subnet.address || subnet.prefix >= 31 else {
            throw Failure.gatewayOutsideSubnet(gw)
        }
        self.subnet = subnet
        self.range = range
        self.gateway = gw
    }

    /// Refuses a subnet overlapping any of `others`.
    public func checkOverlap(with others: [IPv4Network]) throws {
        if let other = others.first(where: { $0.overlaps(subnet) }) { throw Failure.overlaps(other) }
    }

    /// The address for a new endpoint: `requested` when it is in the subnet (docker accepts a static address
    /// anywhere in the subnet) and free, else the lowest free address of the range.
    public func allocate(requested: IPv4Address?, taken: Set<IPv4Address>) throws -> IPv4Address {
        var used = taken
        used.insert(gateway)
        if let requested {
            guard subnet.contains(requested), requested != subnet.address, requested != subnet.broadcast else {
                throw Failure.addressOutside(requested)
            }
            guard !used.contains(requested) else { throw Failure.addressInUse(requested) }
            return requested
        }
        let from = range ?? subnet
        var v = max(from.firstHost.value, subnet.firstHost.value)
        let last = min(from.broadcast.value, subnet.lastHost.value)
        while v <= last {
            let a = IPv4Address(v)
            if !used.contains(a), a != subnet.address, a != subnet.broadcast { return a }
            v += 1
        }
        throw Failure.exhausted(from)
    }

    /// The first of docker's default pools (172.17.0.0/16 … 172.31.0.0/16, then 192.168.0.0/20 …) that overlaps
    /// none of `used`.
    public static func defaultSubnet(avoiding used: [IPv4Network]) -> IPv4Network? {
        var candidates: [IPv4Network] = []
        for b in 17...31 { candidates.append(IPv4Network(address: IPv4Address(UInt32(172) << 24 | UInt32(b) << 16), prefix: 16)) }
        for c in stride(from: 0, to: 256, by: 16) {
            candidates.append(IPv4Network(address: IPv4Address(UInt32(0xC0A8_0000) | UInt32(c) << 8), prefix: 20))
        }
        return candidates.first { c in !used.contains { $0.overlaps(c) } }
    }

    /// Docker's MAC for an address: 02:42 followed by the four octets.
    public static func macAddress(for a: IPv4Address) -> String {
        let octets = [0x02, 0x42, Int(a.value >> 24), Int(a.value >> 16 & 0xff), Int(a.value >> 8 & 0xff),
                      Int(a.value & 0xff)]
        return octets.map { hex2($0) }.joined(separator: ":")
    }

    static func hex2(_ v: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[v >> 4 & 0xf], digits[v & 0xf]])
    }
}
