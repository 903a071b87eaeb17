/// What exists, as the controller read it from the store, the agents and the cluster store. Pure values: the
/// observer in BerthCLI fills them; the planner compares them with a `ClusterSpec`; topology draws them.

public struct ObservedCluster: Sendable, Equatable {
    public var machines: [ObservedMachine]
    public var store: ObservedStore?
    public var flannel: ObservedFlannel?
    public init(machines: [ObservedMachine] = [], store: ObservedStore? = nil, flannel: ObservedFlannel? = nil) {
        self.machines = machines
        self.store = store
        self.flannel = flannel
    }
    public func machine(_ name: String) -> ObservedMachine? { machines.first { $0.name == name } }
}

public struct ObservedMachine: Sendable, Equatable {
    public var name: String
    public var driver: String
    /// docker-machine's words: `Running`, `Stopped`, `Error`, ...
    public var state: String
    public var address: String
    /// false when the agent did not answer: networks, volumes, images and containers are then unknown (empty).
    public var agentAnswered: Bool
    public var labels: [String]
    public var networks: [ObservedNetwork]
    public var volumes: [ObservedVolume]
    /// Repository tags (`busybox:latest`).
    public var images: [String]
    public var containers: [ObservedContainer]
    public init(name: String, driver: String, state: String, address: String, agentAnswered: Bool = true,
                labels: [String] = [], networks: [ObservedNetwork] = [], volumes: [ObservedVolume] = [],
                images: [String] = [], containers: [ObservedContainer] = []) {
        self.name = name
        self.driver = driver
        self.state = state
        self.address = address
        self.agentAnswered = agentAnswered
        self.labels = labels
        self.networks = networks
        self.volumes = volumes
        self.images = images
        self.containers = containers
    }
    public var isRunning: Bool { state == "Running" }
    public func network(_ name: String) -> ObservedNetwork? { networks.first { $0.name == name } }
    public func container(_ name: String) -> ObservedContainer? { containers.first { $0.name == name } }
    public func volume(_ name: String) -> ObservedVolume? { volumes.first { $0.name == name } }
}

public struct ObservedNetwork: Sendable, Equatable {
    public var id: String
    public var name: String
    /// `bridge`, `overlay`, `macvlan`, `host`, `null`.
    public var driver: String
    /// `local` or `global`.
    public var scope: String
    public var subnet: String?
    public var gateway: String?
    /// Overlay's VXLAN network identifier.
    public var vni: Int?
    /// macvlan's parent link.
    public var parent: String?
    public var labels: [String: String]
    public init(id: String, name: String, driver: String, scope: String = "local", subnet: String? = nil,
                gateway: String? = nil, vni: Int? = nil, parent: String? = nil, labels: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.driver = driver
        self.scope = scope
        self.subnet = subnet
        self.gateway = gateway
        self.vni = vni
        self.parent = parent
        self.labels = labels
    }
}

public struct ObservedVolume: Sendable, Equatable {
    public var name: String
    public var driver: String
    public var labels: [String: String]
    public init(name: String, driver: String = "local", labels: [String: String] = [:]) {
        self.name = name
        self.driver = driver
        self.labels = labels
    }
}

public struct ObservedContainer: Sendable, Equatable {
    public var id: String
    public var name: String
    public var image: String
    /// dockerd's `State.Status`: `created`, `running`, `exited`, ...
    public var state: String
    /// Network name → IPv4 address (empty when none).
    public var networks: [String: String]
    public var labels: [String: String]
    /// `0.0.0.0:8080->80/tcp` each.
    public var ports: [String]
    public init(id: String, name: String, image: String, state: String, networks: [String: String] = [:],
                labels: [String: String] = [:], ports: [String] = []) {
        self.id = id
        self.name = name
        self.image = image
        self.state = state
        self.networks = networks
        self.labels = labels
        self.ports = ports
    }
}

/// The etcd cluster store berth runs.
public struct ObservedStore: Sendable, Equatable {
    /// Machines with a member.
    public var members: [String]
    /// `https://IP:2379` each.
    public var clientURLs: [String]
    /// Members that answered a status call.
    public var healthy: [String]
    public init(members: [String], clientURLs: [String], healthy: [String] = []) {
        self.members = members
        self.clientURLs = clientURLs
        self.healthy = healthy
    }
}

/// flannel's config and leases in the cluster store.
public struct ObservedFlannel: Sendable, Equatable {
    public var network: String
    public var backend: String
    public var vni: Int?
    /// Machine → leased subnet (`10.5.3.0/24`).
    public var leases: [String: String]
    public init(network: String, backend: String, vni: Int? = nil, leases: [String: String] = [:]) {
        self.network = network
        self.backend = backend
        self.vni = vni
        self.leases = leases
    }
}
