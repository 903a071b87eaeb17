#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An overlay network as every machine of the cluster reads it from the store.
public struct OverlayNetworkSpec: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var vni: Int
    public var pool: IPv4Pool
    /// Whether the subnet was given by the user (`--subnet`), as docker reports in inspect.
    public var userSubnet: Bool
    public var mtu: Int?
    public var isInternal: Bool
    public var attachable: Bool
    public var labels: [String: String]
    public var options: [String: String]
    /// RFC 3339, as `docker network inspect` shows `Created`.
    public var created: String

    public init(id: String, name: String, vni: Int, pool: IPv4Pool, userSubnet: Bool, mtu: Int? = nil,
                isInternal: Bool = false, attachable: Bool = false, labels: [String: String] = [:],
                options: [String: String] = [:], created: String) {
        self.id = id
        self.name = name
        self.vni = vni
        self.pool = pool
        self.userSubnet = userSubnet
        self.mtu = mtu
        self.isInternal = isInternal
        self.attachable = attachable
        self.labels = labels
        self.options = options
        self.created = created
    }

    enum CodingKeys: String, CodingKey {
        case id = "ID", name = "Name", vni = "VNI", pool = "Pool", userSubnet = "UserSubnet", mtu = "MTU"
        case isInternal = "Internal", attachable = "Attachable", labels = "Labels", options = "Options"
        case created = "Created"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static func parse(_ text: String) -> OverlayNetworkSpec? {
        try? JSONDecoder().decode(OverlayNetworkSpec.self, from: Data(text.utf8))
    }

    /// The MTU of the network's interfaces: the option, else the underlay's less the 50 bytes VXLAN adds.
    public func effectiveMTU(underlay: Int) -> Int { mtu ?? underlay - 50 }
}

/// One container's endpoint on an overlay network, as its machine publishes it.
public struct OverlayEndpoint: Codable, Equatable, Hashable, Sendable {
    public var id: String
    public var networkID: String
    public var containerID: String
    public var containerName: String
    public var aliases: [String]
    public var address: IPv4Address
    public var mac: String
    /// The machine's VXLAN tunnel endpoint: its cluster-advertise address.
    public var vtep: IPv4Address
    /// The engine ID of the machine that runs the container.
    public var node: String

    public init(id: String, networkID: String, containerID: String, containerName: String, aliases: [String],
                address: IPv4Address, mac: String, vtep: IPv4Address, node: String) {
        self.id = id
        self.networkID = networkID
        self.containerID = containerID
        self.containerName = containerName
        self.aliases = aliases
        self.address = address
        self.mac = mac
        self.vtep = vtep
        self.node = node
    }

    enum CodingKeys: String, CodingKey {
        case id = "ID", networkID = "NetworkID", containerID = "ContainerID", containerName = "ContainerName"
        case aliases = "Aliases", address = "IPv4Address", mac = "MacAddress", vtep = "VTEP", node = "Node"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public static func parse(_ text: String) -> OverlayEndpoint? {
        try? JSONDecoder().decode(OverlayEndpoint.self, from: Data(text.utf8))
    }

    /// Whether `name` (a container name, an alias or a short ID, any case) names this endpoint.
    public func answers(_ name: String) -> Bool {
        let wanted = name.lowercased()
        return containerName.lowercased() == wanted || aliases.contains { $0.lowercased() == wanted }
            || (wanted.count >= 12 && containerID.hasPrefix(wanted))
    }
}
