/// What a new endpoint gets, chosen from what the caller says is taken: its address (IPAM), its interface name
/// inside the sandbox, its host-side veth name, its MAC, and the host ports it publishes. Pure: no state, no I/O.
public enum EndpointAllocator {
    /// Host ports handed out when `-p` names none, or for `-P` (docker's ephemeral range).
    public static let dynamicPorts: ClosedRange<Int> = 32768...60999

    /// One `-p [hostIP:][hostPort:]containerPort[/proto]` target on the host side.
    public struct HostBinding: Hashable, Sendable {
        public var hostIP: String
        /// nil or 0: any free port.
        public var hostPort: Int?
        public init(hostIP: String = "", hostPort: Int? = nil) {
            self.hostIP = hostIP
            self.hostPort = hostPort
        }
    }

    /// A host port in use for a protocol.
    public struct HostPort: Hashable, Sendable {
        public var proto: String
        public var port: Int
        public init(proto: String, port: Int) {
            self.proto = proto
            self.port = port
        }
    }

    /// Why ports could not be published, with docker's wording.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case invalidPort(String)
        case noFreePort
        case portAllocated(Int)

        public var description: String {
            switch self {
            case .invalidPort(let key): return "invalid port specification: \"\(key)\""
            case .noFreePort: return "no free host port"
            case .portAllocated(let port): return "Bind for 0.0.0.0:\(port) failed: port is already allocated"
            }
        }
    }

    /// The address for a new endpoint on `pool`: `requested` when free, else the lowest free one.
    public static func address(in pool: IPv4Pool, requested: IPv4Address?,
                               taken: Set<IPv4Address>) throws -> IPv4Address {
        try pool.allocate(requested: requested, taken: taken)
    }

    /// The first `ethN` not in `used`.
    public static func interface(used: Set<String>) -> String {
        (0...).lazy.map { "eth\($0)" }.first { !used.contains($0) }!
    }

    /// The host-side veth of an endpoint: `veth` and the first seven digits of its ID (15 bytes at most).
    public static func hostVeth(endpointID: String) -> String { "veth" + String(endpointID.prefix(7)) }

    /// docker's MAC for an address.
    public static func mac(for address: IPv4Address) -> String { IPv4Pool.macAddress(for: address) }

    /// The port mappings of an endpoint at `address`: every binding of `wanted` (keys `80`, `80/tcp`, `53/udp`),
    /// plus, with `publishAll` (`-P`), a dynamic one for each `exposed` port without a binding. Dynamic host ports
    /// are the lowest free ones of `dynamicPorts`; a port named twice or already in `inUse` is refused.
    public static func ports(_ wanted: [String: [HostBinding]], exposed: [String] = [], publishAll: Bool = false,
                             address: IPv4Address, inUse: Set<HostPort>) throws -> [PortMapping] {
        var wanted = wanted
        if publishAll {
            for port in exposed where wanted[port] == nil { wanted[port] = [HostBinding()] }
        }
        var taken = inUse
        var result: [PortMapping] = []
        for (key, bindings) in wanted.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/")
            guard let containerPort = parts.first.flatMap({ Int($0) }) else { throw Failure.invalidPort(key) }
            let proto = parts.count > 1 ? String(parts[1]) : "tcp"
            for binding in bindings {
                var hostPort = binding.hostPort ?? 0
                if hostPort == 0 {
                    guard let free = dynamicPorts.first(where: { !taken.contains(HostPort(proto: proto, port: $0)) })
                    else { throw Failure.noFreePort }
                    hostPort = free
                } else if taken.contains(HostPort(proto: proto, port: hostPort)) {
                    throw Failure.portAllocated(hostPort)
                }
                taken.insert(HostPort(proto: proto, port: hostPort))
                result.append(PortMapping(proto: proto, hostIP: binding.hostIP, hostPort: hostPort,
                                          containerIP: address, containerPort: containerPort))
            }
        }
        return result
    }
}
