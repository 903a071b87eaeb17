#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// flannel's etcd layout, kept as flannel writes it so that a real flanneld reads the same keys: the network's
/// config under `<prefix>/config` and one lease per host under `<prefix>/subnets/10.1.15.0-24`. Pure: the etcd
/// client and the kernel programming live elsewhere.
public struct FlannelLayout: Sendable, Equatable {
    public static let defaultPrefix = "/coreos.com/network"
    public var prefix: String

    public init(prefix: String = FlannelLayout.defaultPrefix) {
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
    }

    public var configKey: String { prefix + "/config" }
    public var subnetsPrefix: String { prefix + "/subnets/" }

    /// `<prefix>/subnets/10.1.15.0-24` for 10.1.15.0/24.
    public func leaseKey(_ subnet: IPv4Network) -> String {
        subnetsPrefix + "\(subnet.address)-\(subnet.prefix)"
    }

    /// The subnet a lease key names, nil for any other key.
    public func subnet(ofLeaseKey key: String) -> IPv4Network? {
        guard key.hasPrefix(subnetsPrefix) else { return nil }
        let name = key.dropFirst(subnetsPrefix.count)
        guard let dash = name.lastIndex(of: "-"), let ip = IPv4Address(String(name[..<dash])),
              let bits = Int(name[name.index(after: dash)...]), (0...32).contains(bits) else { return nil }
        let n = IPv4Network(address: ip, prefix: bits)
        return n.address == ip ? n : nil
    }
}

/// The network config flannel reads from `<prefix>/config`.
public struct FlannelConfig: Sendable, Equatable {
    public var network: IPv4Network
    public var subnetLen: Int
    public var subnetMin: IPv4Address
    public var subnetMax: IPv4Address
    public var backend: Backend

    public struct Backend: Sendable, Equatable {
        /// `vxlan` or `host-gw`.
        public var type: String
        public var vni: Int
        public var port: Int

        public init(type: String, vni: Int = 1, port: Int = 8472) {
            self.type = type
            self.vni = vni
            self.port = port
        }
    }

    public static let backends: Set<String> = ["vxlan", "host-gw"]

    /// Validates as flannel does: the network leaves room for at least two subnets of `subnetLen` (flannel's
    /// default is /24, or network + 4 bits for small networks), and SubnetMin/Max default to the second and the last
    /// subnet.
    public init(network: IPv4Network, subnetLen: Int? = nil, subnetMin: IPv4Address? = nil,
                subnetMax: IPv4Address? = nil, backend: Backend = Backend(type: "vxlan")) throws {
        let len = subnetLen ?? (network.prefix < 24 ? 24 : network.prefix + 4)
        guard len > network.prefix, len <= 30 else {
            throw BerthError.invalidArgument(
                "flannel: SubnetLen /\(len) does not fit in network \(network) (it must be longer, and at most /30)")
        }
        guard Self.backends.contains(backend.type) else {
            throw BerthError.invalidArgument("flannel: unknown backend \(backend.type) (vxlan or host-gw)")
        }
        let step = UInt32(1) << UInt32(32 - len)
        let first = IPv4Address(network.address.value + step)
        let last = IPv4Address(network.broadcast.value - step + 1)
        let lo = subnetMin ?? first
        let hi = subnetMax ?? last
        guard network.contains(lo), network.contains(hi), lo <= hi,
              lo.value % step == 0, hi.value % step == 0 else {
            throw BerthError.invalidArgument("flannel: SubnetMin/SubnetMax must be /\(len) subnets of \(network)")
        }
        self.network = network
        self.subnetLen = len
        self.subnetMin = lo
        self.subnetMax = hi
        self.backend = backend
    }

    /// The subnets leases are taken from, in order.
    public var subnets: [IPv4Network] {
        let step = UInt32(1) << UInt32(32 - subnetLen)
        return stride(from: subnetMin.value, through: subnetMax.value, by: Int(step))
            .map { IPv4Network(address: IPv4Address($0), prefix: subnetLen) }
    }

    /// The JSON flannel writes, e.g. `{"Network":"10.1.0.0/16","SubnetLen":24,"Backend":{"Type":"vxlan","VNI":1,"Port":8472}}`.
    public func json() -> String {
        var backendFields = "\"Type\":\"\(backend.type)\""
        if backend.type == "vxlan" { backendFields += ",\"VNI\":\(backend.vni),\"Port\":\(backend.port)" }
        return "{\"Network\":\"\(network)\",\"SubnetLen\":\(subnetLen),\"SubnetMin\":\"\(subnetMin)\","
            + "\"SubnetMax\":\"\(subnetMax)\",\"Backend\":{\(backendFields)}}"
    }

    /// Parses a config as flannel accepts it (the Backend object's keys in any case).
    public static func parse(_ text: String) throws -> FlannelConfig {
        guard let object = try? JSONValue.parse(text), object.objectValue != nil else {
            throw BerthError.invalidArgument("flannel: the network config is not a JSON object")
        }
        guard let net = object["Network"]?.stringValue, let network = try? IPv4Network(parsing: net) else {
            throw BerthError.invalidArgument("flannel: the network config has no valid Network")
        }
        let backendObject = object["Backend"]?.objectValue ?? [:]
        func field(_ name: String) -> JSONValue? {
            backendObject.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        let backend = Backend(type: (field("Type")?.stringValue ?? "udp").lowercased(),
                              vni: field("VNI")?.intValue ?? 1, port: field("Port")?.intValue ?? 8472)
        return try FlannelConfig(network: network, subnetLen: object["SubnetLen"]?.intValue,
                                 subnetMin: object["SubnetMin"]?.stringValue.flatMap(IPv4Address.init),
                                 subnetMax: object["SubnetMax"]?.stringValue.flatMap(IPv4Address.init),
                                 backend: backend)
    }

    /// The subnet a host should lease: its own earlier lease when that is still free of others, else one of the
    /// free subnets picked with `pick` (flannel picks at random), nil when all are taken.
    public func chooseLease(taken: Set<IPv4Network>, previous: IPv4Network?,
                            pick: ([IPv4Network]) -> IPv4Network? = { $0.randomElement() }) -> IPv4Network? {
        let all = subnets
        if let previous, all.contains(previous), !taken.contains(previous) { return previous }
        return pick(all.filter { !taken.contains($0) })
    }

    /// `/run/flannel/subnet.env` for a lease: the network, the lease's first address as the bridge's (`--bip`),
    /// the MTU (the underlay's less 50 for vxlan) and whether flannel masquerades.
    public func subnetEnv(lease: IPv4Network, underlayMTU: Int, ipMasq: Bool) -> String {
        let mtu = backend.type == "vxlan" ? underlayMTU - 50 : underlayMTU
        return "FLANNEL_NETWORK=\(network)\nFLANNEL_SUBNET=\(lease.firstHost)/\(lease.prefix)\n"
            + "FLANNEL_MTU=\(mtu)\nFLANNEL_IPMASQ=\(ipMasq)\n"
    }
}

/// What a lease says about its host: flannel's `{"PublicIP":"…","BackendType":"vxlan","BackendData":{…}}`.
public struct FlannelLease: Sendable, Equatable {
    public var publicIP: IPv4Address
    public var backendType: String
    /// The vxlan device's MAC (vxlan only).
    public var vtepMAC: String?
    public var vni: Int?

    public init(publicIP: IPv4Address, backendType: String, vtepMAC: String? = nil, vni: Int? = nil) {
        self.publicIP = publicIP
        self.backendType = backendType
        self.vtepMAC = vtepMAC
        self.vni = vni
    }

    public func json() -> String {
        var data = ""
        if let vni, let vtepMAC { data = ",\"BackendData\":{\"VNI\":\(vni),\"VtepMAC\":\"\(vtepMAC)\"}" }
        return "{\"PublicIP\":\"\(publicIP)\",\"BackendType\":\"\(backendType)\"\(data)}"
    }

    public static func parse(_ text: String) -> FlannelLease? {
        guard let o = try? JSONValue.parse(text), let ip = o["PublicIP"]?.stringValue.flatMap(IPv4Address.init),
              let type = o["BackendType"]?.stringValue else { return nil }
        let data = o["BackendData"]
        return FlannelLease(publicIP: ip, backendType: type, vtepMAC: data?["VtepMAC"]?.stringValue,
                            vni: data?["VNI"]?.intValue)
    }
}
