import BerthCore

/// A network as berthd stores it in `<dataRoot>/network/<id>.json`.
public struct NetworkRecord: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// `bridge`, `host` or `null`.
    public var driver: String
    public var created: String
    public var pool: IPv4Pool?
    /// The Linux bridge of a bridge network.
    public var bridge: String?
    public var mtu: Int?
    public var `internal`: Bool
    /// Whether `--ip-range/--subnet` came from the user (static addresses need it).
    public var userSubnet: Bool
    /// The three networks every engine has (bridge, host, none); they cannot be removed.
    public var predefined: Bool
    public var labels: [String: String]
    public var options: [String: String]
    /// The driver's scope when the network was made; nil in records written before scopes existed (`local`).
    public var scope: NetworkScope? = nil
    /// The VXLAN network identifier of an overlay network (cluster-wide).
    public var vni: Int? = nil
    /// Whether `--attachable` was given (overlay).
    public var attachable: Bool? = nil
    /// Whether the driver made the network's parent interface (a macvlan's VLAN sub-interface), to remove with it.
    public var createdParent: Bool? = nil
    /// `--ipv6`: endpoints also get an address of `pool6`.
    public var enableIPv6: Bool? = nil
    /// An IPv6 `--subnet` (and `--gateway`): kept and shown even without `--ipv6`, as dockerd does.
    public var pool6: IPv6Pool? = nil

    /// `--aux-address NAME=ADDR`: addresses of the subnet IPAM never hands out.
    public var auxiliary: [String: IPv4Address]? = nil

    /// The IPv6 pool endpoints get addresses from: only with `--ipv6`.
    public var activePool6: IPv6Pool? { enableIPv6 == true ? pool6 : nil }

    /// Names on the default bridge are not resolved (docker's legacy links aside).
    public var resolvesNames: Bool { (driver == "bridge" || driver == "overlay") && !predefined }

    /// Whether the network comes from the cluster store (overlay) rather than this machine alone.
    public var isGlobal: Bool { scope == .global }
}

/// A container's endpoint on one network, live while the container runs.
public struct EndpointRecord: Codable, Sendable, Equatable {
    public var id: String
    public var networkID: String
    public var containerID: String
    public var containerName: String
    /// Name of the interface inside the sandbox (eth0, eth1, ...) and of its host-side veth peer.
    public var interface: String
    public var hostVeth: String
    public var address: IPv4Address
    public var mac: String
    public var aliases: [String]
    public var ports: [PortMapping]
    /// Whether the container's default route leaves by this endpoint; nil: when it is `eth0`. (An overlay
    /// container's default route leaves by its `docker_gwbridge` endpoint, `eth1`.)
    public var defaultRoute: Bool? = nil
    /// `--link-local-ip`: IPv4 link-local addresses (169.254.0.0/16) on the interface besides `address`.
    public var linkLocal: [IPv4Address]? = nil
    /// The endpoint's IPv6 address on a network with `--ipv6`.
    public var address6: IPv6Address? = nil
    /// Legacy links on a user network (`EndpointSettings.Links`, `NAME:ALIAS`): alias → container name, answered
    /// by the network's DNS to this endpoint alone.
    public var links: [String: String]? = nil

    public var routesDefault: Bool { defaultRoute ?? (interface == "eth0") }
}

// MARK: Engine API shapes

/// `HostConfig.PortBindings` values.
public struct PortBinding: Codable, Sendable, Equatable {
    public var HostIp: String?
    public var HostPort: String?
    public init(HostIp: String?, HostPort: String?) {
        self.HostIp = HostIp
        self.HostPort = HostPort
    }
}

public struct EndpointIPAMConfig: Codable, Sendable, Equatable {
    public var IPv4Address: String?
    public var IPv6Address: String?
    public var LinkLocalIPs: [String]?
}

/// `NetworkingConfig.EndpointsConfig` values and `NetworkSettings.Networks` values.
public struct EndpointSettings: Codable, Sendable, Equatable, EncodesNulls {
    public var IPAMConfig: EndpointIPAMConfig?
    public var Links: [String]?
    public var Aliases: [String]?
    public var MacAddress: String?
    public var NetworkID: String?
    public var EndpointID: String?
    public var Gateway: String?
    public var IPAddress: String?
    public var IPPrefixLen: Int?
    public var IPv6Gateway: String?
    public var GlobalIPv6Address: String?
    public var GlobalIPv6PrefixLen: Int?
    public var DriverOpts: [String: String]?
    /// API 1.48: which endpoint gives the default gateway (taken, not used: the first network does).
    public var GwPriority: Int?
    public var DNSNames: [String]?
    public init() {}
    /// Written as dockerd does: every key, `null` for what is unset.
    public func encode(to encoder: Encoder) throws { try encodeAllProperties(to: encoder) }
}

public struct NetworkingConfig: Codable, Sendable, Equatable {
    public var EndpointsConfig: [String: EndpointSettings]?
    public init() {}
}

public struct IPAMPoolConfig: Codable, Sendable, Equatable {
    public var Subnet: String?
    public var IPRange: String?
    public var Gateway: String?
    public var AuxiliaryAddresses: [String: String]?
}

public struct IPAMSettings: Codable, Sendable, Equatable, EncodesNulls {
    public var Driver: String?
    public var Options: [String: String]?
    public var Config: [IPAMPoolConfig]?
    /// Every key, `null` when unset, as dockerd writes it.
    public func encode(to encoder: Encoder) throws { try encodeAllProperties(to: encoder) }
}

/// `POST /networks/create`.
public struct NetworkCreateRequest: Codable, Sendable {
    public var Name: String
    public var Driver: String?
    public var Internal: Bool?
    public var Attachable: Bool?
    public var EnableIPv6: Bool?
    public var IPAM: IPAMSettings?
    public var Options: [String: String]?
    public var Labels: [String: String]?
}

public struct NetworkCreateResponse: Codable, Sendable {
    public var Id: String
    public var Warning: String
}

/// `GET /networks/{id}` and the items of `GET /networks`.
public struct NetworkResource: Codable, Sendable {
    public struct Endpoint: Codable, Sendable {
        public var Name: String
        public var EndpointID: String
        public var MacAddress: String
        public var IPv4Address: String
        public var IPv6Address: String
    }
    public struct ConfigReference: Codable, Sendable { public var Network: String }

    public var Name: String
    public var Id: String
    public var Created: String
    public var Scope: String
    public var Driver: String
    public var EnableIPv4: Bool
    public var EnableIPv6: Bool
    public var IPAM: IPAMSettings
    public var Internal: Bool
    public var Attachable: Bool
    public var Ingress: Bool
    public var ConfigFrom: ConfigReference
    public var ConfigOnly: Bool
    public var Containers: [String: Endpoint]
    public var Options: [String: String]
    public var Labels: [String: String]
}

/// `POST /networks/{id}/connect` and `/disconnect`.
public struct NetworkConnectRequest: Codable, Sendable {
    public var Container: String
    public var EndpointConfig: EndpointSettings?
    public var Force: Bool?
}

public struct NetworkPruneResponse: Codable, Sendable {
    public var NetworksDeleted: [String]
}

/// `NetworkSettings` of `docker inspect`.
public struct ContainerNetworkSettings: Codable, Sendable, EncodesNulls {
    public var Bridge: String
    public var SandboxID: String
    public var SandboxKey: String
    public var HairpinMode: Bool
    public var LinkLocalIPv6Address: String
    public var LinkLocalIPv6PrefixLen: Int
    public var Ports: [String: [PortBinding]?]
    public var EndpointID: String
    public var Gateway: String
    public var GlobalIPv6Address: String
    public var GlobalIPv6PrefixLen: Int
    public var IPAddress: String
    public var IPPrefixLen: Int
    public var IPv6Gateway: String
    public var MacAddress: String
    public var Networks: [String: EndpointSettings]
    public var SecondaryIPAddresses: [String]? = nil
    public var SecondaryIPv6Addresses: [String]? = nil
    public func encode(to encoder: Encoder) throws { try encodeAllProperties(to: encoder) }
}

/// An item of `Ports` in `GET /containers/json`.
public struct PortSummary: Codable, Sendable {
    public var IP: String?
    public var PrivatePort: Int
    public var PublicPort: Int?
    public var `Type`: String
}
