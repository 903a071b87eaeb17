/// A cluster file (`berth apply -f cluster.yml`) as parsed and checked: names expanded (`web[1:3]`), `${VAR}`
/// substituted, paths made absolute, every reference resolved. Pure values; the parser builds them, the planner reads
/// them. Every part keeps the place in the file it came from, so later errors (drift, a clash) can point at it.

/// A place in the cluster file, 1-based as editors count.
public struct SourceMark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "line \(line), column \(column)" }
}

/// One error in a cluster file: `cluster.yml:3:5: machines.web1.driver: unknown driver "vbox" (known: generic, lab)`.
public struct ClusterFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var mark: SourceMark?
    public var message: String
    public init(file: String, mark: SourceMark?, message: String) {
        self.file = file
        self.mark = mark
        self.message = message
    }
    public var description: String {
        guard let mark else { return "\(file): \(message)" }
        return "\(file):\(mark.line):\(mark.column): \(message)"
    }
}

public struct ClusterSpec: Sendable, Equatable {
    /// `name:` in the file, else the file's base name without extension. Names the ledger and labels.
    public var name: String
    /// Machines in file order, ranges expanded.
    public var machines: [MachineSpec]
    public var store: StoreSpec?
    public var networks: [NetworkSpec]
    public var volumes: [VolumeSpec]
    public var images: [ImageSpec]
    public var containers: [ContainerSpec]

    public init(name: String, machines: [MachineSpec] = [], store: StoreSpec? = nil, networks: [NetworkSpec] = [],
                volumes: [VolumeSpec] = [], images: [ImageSpec] = [], containers: [ContainerSpec] = []) {
        self.name = name
        self.machines = machines
        self.store = store
        self.networks = networks
        self.volumes = volumes
        self.images = images
        self.containers = containers
    }

    public func machine(_ name: String) -> MachineSpec? { machines.first { $0.name == name } }
}

public struct EngineSpec: Sendable, Equatable {
    public var port: Int?
    /// `key=value` each.
    public var labels: [String]
    /// `flag=value` each (dockerd's flags; `cluster-store=...` among them).
    public var options: [String]
    public var env: [String]
    public init(port: Int? = nil, labels: [String] = [], options: [String] = [], env: [String] = []) {
        self.port = port
        self.labels = labels
        self.options = options
        self.env = env
    }
}

public struct MachineSpec: Sendable, Equatable {
    public var name: String
    public var driver: String
    /// Driver flags without the leading dashes: `lab-network: bdemo`, `generic-ip-address: 10.0.0.5`.
    public var options: [String: String]
    public var engine: EngineSpec
    public var mark: SourceMark?
    public init(name: String, driver: String, options: [String: String] = [:], engine: EngineSpec = EngineSpec(),
                mark: SourceMark? = nil) {
        self.name = name
        self.driver = driver
        self.options = options
        self.engine = engine
        self.mark = mark
    }
}

/// `store: {etcd: [lab1]}`: the machines that run an etcd member.
public struct StoreSpec: Sendable, Equatable {
    public var etcd: [String]
    public var mark: SourceMark?
    public init(etcd: [String], mark: SourceMark? = nil) {
        self.etcd = etcd
        self.mark = mark
    }
}

public enum NetworkKind: String, Sendable, Equatable, CaseIterable {
    case bridge, overlay, macvlan, flannel

    /// Made once for the whole cluster (through the store) rather than on each machine.
    public var isClusterWide: Bool { self == .overlay || self == .flannel }
}

/// flannel's network config, as `berth flannel create` takes it.
public struct FlannelSpec: Sendable, Equatable {
    public var network: String
    public var backend: String
    public var subnetLen: Int?
    public var vni: Int?
    public var port: Int?
    public init(network: String, backend: String = "vxlan", subnetLen: Int? = nil, vni: Int? = nil, port: Int? = nil) {
        self.network = network
        self.backend = backend
        self.subnetLen = subnetLen
        self.vni = vni
        self.port = port
    }
}

public struct NetworkSpec: Sendable, Equatable {
    public var name: String
    public var kind: NetworkKind
    /// The machines that have it; every machine of the file when the file names none.
    public var machines: [String]
    public var subnet: String?
    public var gateway: String?
    public var ipRange: String?
    /// Driver options (`-o`): macvlan's `parent` lands here.
    public var options: [String: String]
    public var labels: [String: String]
    public var `internal`: Bool
    /// Set for `kind == .flannel` only.
    public var flannel: FlannelSpec?
    public var mark: SourceMark?
    public init(name: String, kind: NetworkKind, machines: [String], subnet: String? = nil, gateway: String? = nil,
                ipRange: String? = nil, options: [String: String] = [:], labels: [String: String] = [:],
                internal: Bool = false, flannel: FlannelSpec? = nil, mark: SourceMark? = nil) {
        self.name = name
        self.kind = kind
        self.machines = machines
        self.subnet = subnet
        self.gateway = gateway
        self.ipRange = ipRange
        self.options = options
        self.labels = labels
        self.internal = `internal`
        self.flannel = flannel
        self.mark = mark
    }
}

public struct VolumeSpec: Sendable, Equatable {
    public var name: String
    public var machines: [String]
    public var driver: String
    public var labels: [String: String]
    public var mark: SourceMark?
    public init(name: String, machines: [String], driver: String = "local", labels: [String: String] = [:],
                mark: SourceMark? = nil) {
        self.name = name
        self.machines = machines
        self.driver = driver
        self.labels = labels
        self.mark = mark
    }
}

public enum ImageSource: Sendable, Equatable {
    /// `docker import FILE NAME` with `--change` lines (`CMD ["sh"]`). The path is absolute.
    case importTar(path: String, changes: [String])
    /// `docker build -t NAME DIR` (`dockerfile` relative to the context, default `Dockerfile`). The path is absolute.
    case build(context: String, dockerfile: String?)
}

public struct ImageSpec: Sendable, Equatable {
    /// As docker names it: `busybox` means `busybox:latest`.
    public var name: String
    public var source: ImageSource
    public var machines: [String]
    public var mark: SourceMark?
    public init(name: String, source: ImageSource, machines: [String], mark: SourceMark? = nil) {
        self.name = name
        self.source = source
        self.machines = machines
        self.mark = mark
    }
}

public struct ContainerSpec: Sendable, Equatable {
    public var name: String
    public var machine: String
    public var image: String
    /// nil: the image's CMD.
    public var command: [String]?
    public var entrypoint: [String]?
    public var env: [String]
    /// The first is the container's network mode (default `bridge`); the rest are connected before it starts.
    public var networks: [String]
    /// `-v` specs: `NAME:/path[:ro]`, `/host/path:/path`, `/path` (anonymous).
    public var volumes: [String]
    public var volumesFrom: [String]
    /// `-p` specs: `8080:80`, `127.0.0.1:8080:80/udp`.
    public var ports: [String]
    /// `no`, `always`, `unless-stopped`, `on-failure[:N]`.
    public var restart: String?
    public var labels: [String: String]
    public var hostname: String?
    /// false: created, not started (a volume container).
    public var start: Bool
    public var mark: SourceMark?
    public init(name: String, machine: String, image: String, command: [String]? = nil, entrypoint: [String]? = nil,
                env: [String] = [], networks: [String] = [], volumes: [String] = [], volumesFrom: [String] = [],
                ports: [String] = [], restart: String? = nil, labels: [String: String] = [:], hostname: String? = nil,
                start: Bool = true, mark: SourceMark? = nil) {
        self.name = name
        self.machine = machine
        self.image = image
        self.command = command
        self.entrypoint = entrypoint
        self.env = env
        self.networks = networks
        self.volumes = volumes
        self.volumesFrom = volumesFrom
        self.ports = ports
        self.restart = restart
        self.labels = labels
        self.hostname = hostname
        self.start = start
        self.mark = mark
    }
}
