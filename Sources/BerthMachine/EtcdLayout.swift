import BerthCore

/// Where an etcd member's files live on a host, beside the agent's (see `AgentLayout`).
public struct EtcdLayout: Encodable, Sendable {
    public var agent = AgentLayout()
    /// Debian's etcd-server binary; used where the host's copy is the controller's.
    public var systemBinary = "/usr/bin/etcd"
    /// Where the controller's etcd goes on a host that lacks it or has another one.
    public var uploadedBinary = "/usr/local/bin/berth-etcd"
    public var dataDir = "/var/lib/berth/etcd"
    public var logFile = "/var/lib/berth/etcd.log"
    /// Certificates (member and client) and the member's config; the agent's `cluster-store-opts` point here.
    public var certDir = "/etc/berth/etcd"
    public var unitFile = "/etc/systemd/system/berth-etcd.service"

    public init() {}

    public var configFile: String { certDir + "/etcd.conf.yml" }
    public var ctl: String { agent.binDir + "/berth-etcd-ctl" }
    public var launcher: String { agent.binDir + "/berth-etcd-launcher" }
    public var runDir: String { agent.runDir }
}

/// The values the etcd member templates are rendered with.
public struct EtcdTemplateValues: Encodable {
    public var layout: EtcdLayout
    public var name: String
    public var address: String
    public var cluster: ClusterRecord
    public var binary: String
    public var initSystem: String

    enum CodingKeys: String, CodingKey {
        case name = "Name", address = "Address", binary = "Binary", initSystem = "InitSystem", systemd = "Systemd"
        case runDir = "RunDir", dataDir = "DataDir", logFile = "LogFile", certDir = "CertDir"
        case configFile = "ConfigFile", token = "Token", initialCluster = "InitialCluster"
        case clientURL = "ClientURL", peerURL = "PeerURL", launcherPath = "LauncherPath"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let me = ClusterMember(name: name, ipAddress: address)
        try c.encode(name, forKey: .name)
        try c.encode(address, forKey: .address)
        try c.encode(binary, forKey: .binary)
        try c.encode(initSystem, forKey: .initSystem)
        try c.encode(initSystem == "systemd", forKey: .systemd)
        try c.encode(layout.runDir, forKey: .runDir)
        try c.encode(layout.dataDir, forKey: .dataDir)
        try c.encode(layout.logFile, forKey: .logFile)
        try c.encode(layout.certDir, forKey: .certDir)
        try c.encode(layout.configFile, forKey: .configFile)
        try c.encode(cluster.token, forKey: .token)
        try c.encode(cluster.initialCluster, forKey: .initialCluster)
        try c.encode(me.clientURL, forKey: .clientURL)
        try c.encode(me.peerURL, forKey: .peerURL)
        try c.encode(layout.launcher, forKey: .launcherPath)
    }
}
