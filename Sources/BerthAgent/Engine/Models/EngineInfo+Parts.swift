extension EngineInfo {
    /// Plugin names per kind, as listed by `docker info`.
    public struct Plugins: Codable, Equatable, Sendable {
        public var volume: [String] = []
        public var network: [String] = []
        public var authorization: [String]? = nil
        public var log: [String] = []

        public init(volume: [String] = [], network: [String] = [], authorization: [String]? = nil, log: [String] = []) {
            self.volume = volume
            self.network = network
            self.authorization = authorization
            self.log = log
        }

        enum CodingKeys: String, CodingKey {
            case volume = "Volume", network = "Network", authorization = "Authorization", log = "Log"
        }
    }

    /// An OCI runtime the engine can use.
    public struct Runtime: Codable, Equatable, Sendable {
        public var path: String

        public init(path: String) { self.path = path }

        enum CodingKeys: String, CodingKey { case path = "path" }
    }

    /// A component's commit; `docker info` prints the ID.
    public struct Commit: Codable, Equatable, Sendable {
        public var id: String
        /// API < 1.49: what the daemon was built against (dockerd 20.10 writes it); nil from 1.49.
        public var expected: String?

        public init(id: String = "", expected: String? = "") {
            self.id = id
            self.expected = expected
        }

        enum CodingKeys: String, CodingKey { case id = "ID", expected = "Expected" }
    }

    /// API ≥ 1.49: the firewall the daemon programs (`docker info` prints it).
    public struct FirewallBackend: Codable, Equatable, Sendable {
        public var driver: String
        public init(driver: String) { self.driver = driver }
        enum CodingKeys: String, CodingKey { case driver = "Driver" }
    }

    /// Swarm state; Berth has no swarm, so `LocalNodeState` is `inactive`.
    public struct Swarm: Codable, Equatable, Sendable {
        public var nodeID: String = ""
        public var nodeAddr: String = ""
        public var localNodeState: String = "inactive"
        public var controlAvailable: Bool = false
        public var error: String = ""
        public var remoteManagers: [String]? = nil

        public init() {}

        enum CodingKeys: String, CodingKey {
            case nodeID = "NodeID", nodeAddr = "NodeAddr", localNodeState = "LocalNodeState"
            case controlAvailable = "ControlAvailable", error = "Error", remoteManagers = "RemoteManagers"
        }

        /// `RemoteManagers` is written `null`, as dockerd does outside a swarm.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(nodeID, forKey: .nodeID)
            try c.encode(nodeAddr, forKey: .nodeAddr)
            try c.encode(localNodeState, forKey: .localNodeState)
            try c.encode(controlAvailable, forKey: .controlAvailable)
            try c.encode(error, forKey: .error)
            try c.encode(remoteManagers, forKey: .remoteManagers)
        }
    }

    /// Registry settings; empty, since Berth pulls nothing yet.
    public struct RegistryConfig: Codable, Equatable, Sendable {
        public var insecureRegistryCIDRs: [String] = []
        public var indexConfigs: [String: IndexInfo] = [:]
        public var mirrors: [String] = []
        /// API < 1.49 (dockerd 20.10 writes them, empty).
        public var allowNondistributableArtifactsCIDRs: [String] = []
        public var allowNondistributableArtifactsHostnames: [String] = []

        public init() {}

        enum CodingKeys: String, CodingKey {
            case insecureRegistryCIDRs = "InsecureRegistryCIDRs", indexConfigs = "IndexConfigs", mirrors = "Mirrors"
            case allowNondistributableArtifactsCIDRs = "AllowNondistributableArtifactsCIDRs"
            case allowNondistributableArtifactsHostnames = "AllowNondistributableArtifactsHostnames"
        }
    }

    /// One registry index.
    public struct IndexInfo: Codable, Equatable, Sendable {
        public var name: String
        public var mirrors: [String]
        public var secure: Bool
        public var official: Bool

        public init(name: String, mirrors: [String] = [], secure: Bool = true, official: Bool = false) {
            self.name = name
            self.mirrors = mirrors
            self.secure = secure
            self.official = official
        }

        enum CodingKeys: String, CodingKey {
            case name = "Name", mirrors = "Mirrors", secure = "Secure", official = "Official"
        }
    }
}
