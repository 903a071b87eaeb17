import BerthCore

/// Where the agent's files live on a host. One place, shared by every template and command.
public struct AgentLayout: Encodable, Sendable {
    public var binDir = "/usr/local/bin"
    public var confDir = "/etc/berth"
    public var runDir = "/run/berth"
    public var dataRoot = "/var/lib/berth"
    public var logFile = "/var/lib/berth/berthd.log"
    public var unitFile = "/etc/systemd/system/berthd.service"

    public init() {}

    public var binary: String { binDir + "/berthd" }
    public var ctl: String { binDir + "/berthd-ctl" }
    public var launcher: String { binDir + "/berthd-launcher" }
    public var configFile: String { confDir + "/berthd.json" }

    enum CodingKeys: String, CodingKey {
        case binDir = "BinDir", confDir = "ConfDir", runDir = "RunDir", dataRoot = "DataRoot", logFile = "LogFile"
    }
}

/// The values the agent templates are rendered with.
public struct AgentTemplateValues: Encodable {
    public var layout: AgentLayout
    public var name: String
    public var port: Int
    public var labels: [String]
    public var env: [String]
    public var initSystem: String
    /// dockerd's cluster-store keys for berthd.json; nil when the machine is in no cluster.
    public var cluster: ClusterStoreSettings?
    /// dockerd's `insecure-registries` and `registry-mirrors`.
    public var insecureRegistries: [String] = []
    public var registryMirrors: [String] = []

    public init(layout: AgentLayout, name: String, port: Int, labels: [String], env: [String], initSystem: String,
                cluster: ClusterStoreSettings? = nil) {
        self.layout = layout
        self.name = name
        self.port = port
        self.labels = labels
        self.env = env
        self.initSystem = initSystem
        self.cluster = cluster
    }

    public func encode(to encoder: Encoder) throws {
        try layout.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .init("Name"))
        try c.encode(port, forKey: .init("Port"))
        try c.encode(labels, forKey: .init("Labels"))
        try c.encode(env, forKey: .init("Env"))
        try c.encode(initSystem, forKey: .init("InitSystem"))
        try c.encode(initSystem == "systemd", forKey: .init("Systemd"))
        try c.encode(layout.configFile, forKey: .init("ConfigFile"))
        try c.encode(insecureRegistries, forKey: .init("InsecureRegistries"))
        try c.encode(registryMirrors, forKey: .init("RegistryMirrors"))
        try c.encode(cluster?.store ?? "", forKey: .init("ClusterStore"))
        try c.encode(cluster?.advertise ?? "", forKey: .init("ClusterAdvertise"))
        if let opts = cluster?.options, !opts.isEmpty {
            try c.encode(opts, forKey: .init("ClusterStoreOpts"))
        } else {
            try c.encode("", forKey: .init("ClusterStoreOpts"))
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
