/// Everything `berthd` needs to run, as stored in its JSON configuration file.
///
/// Every key is optional in the file; missing keys take the defaults below. Command-line flags override the file.
/// ```json
/// {"host": "0.0.0.0", "port": 2376, "tlsCACert": "/etc/berth/ca.pem", "tlsCert": "/etc/berth/server.pem",
///  "tlsKey": "/etc/berth/server-key.pem", "unixSocket": "/run/berth/berthd.sock", "dataRoot": "/var/lib/berth",
///  "execRoot": "/run/berth", "labels": ["zone=a"], "hostname": null, "logLevel": "info", "tcp": true}
/// ```
public struct AgentConfiguration: Codable, Equatable, Sendable {
    /// Address the TLS listener binds, `0.0.0.0` for all IPv4 addresses.
    public var host: String
    /// Port of the TLS listener; 0 picks a free port (tests).
    public var port: Int
    /// Whether the TCP (mutual TLS) listener runs at all.
    public var tcp: Bool
    /// CA certificate that client certificates must chain to.
    public var tlsCACert: String
    /// The server certificate (PEM), optionally followed by intermediates.
    public var tlsCert: String
    /// The server's private key (PEM).
    public var tlsKey: String
    /// Path of the local plain-HTTP unix socket; empty disables it.
    public var unixSocket: String
    /// Persistent state: images, containers, volumes, the engine ID.
    public var dataRoot: String
    /// Runtime state that does not survive a reboot.
    public var execRoot: String
    /// `key=value` labels reported by `/info`.
    public var labels: [String]
    /// Overrides the host name reported by `/info`.
    public var hostname: String?
    /// `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`.
    public var logLevel: String
    /// The default bridge's address and prefix, docker's `--bip` (e.g. `172.17.0.1/16`); nil: 172.17.0.1/16.
    public var bip: String?
    /// MTU of the default bridge's interfaces, docker's `--mtu`; nil: the kernel's default (1500).
    public var mtu: Int?
    /// Name of the default bridge, docker's `--bridge`; nil: `berth0`.
    public var bridge: String?
    /// Forces the storage driver, docker's `storage-driver` (`overlay2` or `vfs`); nil: overlay2 when the kernel
    /// mounts overlayfs on the data root, else vfs.
    public var storageDriver: String?
    /// dockerd's `cluster-store`: `etcd://HOST:PORT[,HOST:PORT...]`, the etcd the agent watches and registers in;
    /// nil: no cluster.
    public var clusterStore: String?
    /// dockerd's `cluster-advertise`: `IP:PORT` or `INTERFACE:PORT`, the address other nodes reach this one at.
    public var clusterAdvertise: String?
    /// dockerd's `cluster-store-opts`: `kv.cacertfile`, `kv.certfile`, `kv.keyfile` (TLS to the store).
    public var clusterStoreOpts: [String: String]?
    /// dockerd's `registry-mirrors`: registries (`https://HOST[:PORT]`) asked first for Docker Hub images.
    public var registryMirrors: [String] = []
    /// dockerd's `insecure-registries`: `HOST[:PORT]` or CIDRs whose registries may be plain HTTP or present a
    /// certificate nobody vouches for. 127.0.0.0/8 is always among them, as with dockerd.
    public var insecureRegistries: [String] = []
    /// Directories of per-registry certificates (`HOST:PORT/ca.crt`, `client.cert`/`client.key`), read in turn.
    public var certsDirectories: [String] = ["/etc/berth/certs.d", "/etc/docker/certs.d"]

    public init(host: String = "0.0.0.0", port: Int = 2376, tcp: Bool = true,
                tlsCACert: String = "/etc/berth/ca.pem", tlsCert: String = "/etc/berth/server.pem",
                tlsKey: String = "/etc/berth/server-key.pem", unixSocket: String = "/run/berth/berthd.sock",
                dataRoot: String = "/var/lib/berth", execRoot: String = "/run/berth", labels: [String] = [],
                hostname: String? = nil, logLevel: String = "info") {
        self.host = host
        self.port = port
        self.tcp = tcp
        self.tlsCACert = tlsCACert
        self.tlsCert = tlsCert
        self.tlsKey = tlsKey
        self.unixSocket = unixSocket
        self.dataRoot = dataRoot
        self.execRoot = execRoot
        self.labels = labels
        self.hostname = hostname
        self.logLevel = logLevel
    }

    enum CodingKeys: String, CodingKey {
        case host, port, tcp, tlsCACert, tlsCert, tlsKey, unixSocket, dataRoot, execRoot, labels, hostname, logLevel
        case bip, mtu, bridge
        case storageDriver = "storage-driver"
        case clusterStore = "cluster-store", clusterAdvertise = "cluster-advertise"
        case clusterStoreOpts = "cluster-store-opts"
        case registryMirrors = "registry-mirrors", insecureRegistries = "insecure-registries"
        case certsDirectories = "certs-directories"
    }

    /// Decodes a partial document: absent keys keep their defaults.
    public init(from decoder: Decoder) throws {
        let defaults = AgentConfiguration()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        tcp = try c.decodeIfPresent(Bool.self, forKey: .tcp) ?? defaults.tcp
        tlsCACert = try c.decodeIfPresent(String.self, forKey: .tlsCACert) ?? defaults.tlsCACert
        tlsCert = try c.decodeIfPresent(String.self, forKey: .tlsCert) ?? defaults.tlsCert
        tlsKey = try c.decodeIfPresent(String.self, forKey: .tlsKey) ?? defaults.tlsKey
        unixSocket = try c.decodeIfPresent(String.self, forKey: .unixSocket) ?? defaults.unixSocket
        dataRoot = try c.decodeIfPresent(String.self, forKey: .dataRoot) ?? defaults.dataRoot
        execRoot = try c.decodeIfPresent(String.self, forKey: .execRoot) ?? defaults.execRoot
        labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? defaults.labels
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname)
        logLevel = try c.decodeIfPresent(String.self, forKey: .logLevel) ?? defaults.logLevel
        bip = try c.decodeIfPresent(String.self, forKey: .bip)
        mtu = try c.decodeIfPresent(Int.self, forKey: .mtu)
        bridge = try c.decodeIfPresent(String.self, forKey: .bridge)
        storageDriver = try c.decodeIfPresent(String.self, forKey: .storageDriver)
        clusterStore = try c.decodeIfPresent(String.self, forKey: .clusterStore)
        clusterAdvertise = try c.decodeIfPresent(String.self, forKey: .clusterAdvertise)
        clusterStoreOpts = try c.decodeIfPresent([String: String].self, forKey: .clusterStoreOpts)
        registryMirrors = try c.decodeIfPresent([String].self, forKey: .registryMirrors) ?? defaults.registryMirrors
        insecureRegistries = try c.decodeIfPresent([String].self, forKey: .insecureRegistries)
            ?? defaults.insecureRegistries
        certsDirectories = try c.decodeIfPresent([String].self, forKey: .certsDirectories) ?? defaults.certsDirectories
    }
}
