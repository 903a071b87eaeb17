#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `machines/NAME/config.json` holds. Paths are relative to the store so a store can be moved.
public struct MachineRecord: Codable, Equatable, Sendable {
    public static let currentVersion = 1

    public var configVersion: Int
    public var name: String
    public var driverName: String
    /// The driver's own state (addresses, pids, names of what it made), opaque to everything else.
    public var driver: JSONValue
    public var engine: EngineOptions
    public var ssh: SSHSettings
    public var provision: ProvisionInfo?
    public var createdAt: Date

    public init(name: String, driverName: String, driver: JSONValue = .object([:]), engine: EngineOptions = .init(),
                ssh: SSHSettings, provision: ProvisionInfo? = nil, createdAt: Date = Date()) {
        self.configVersion = MachineRecord.currentVersion
        self.name = name
        self.driverName = driverName
        self.driver = driver
        self.engine = engine
        self.ssh = ssh
        self.provision = provision
        // Whole seconds: what ISO 8601 in config.json keeps.
        self.createdAt = Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down))
    }

    enum CodingKeys: String, CodingKey {
        case configVersion = "ConfigVersion", name = "Name", driverName = "DriverName", driver = "Driver"
        case engine = "EngineOptions", ssh = "SSH", provision = "Provision", createdAt = "CreatedAt"
    }

    /// `tcp://IP:PORT` as `url` and `env` print it.
    public var url: String { "tcp://\(ssh.ipAddress):\(engine.port)" }
}

/// How the agent is to be configured on the host (docker-machine's EngineOptions).
public struct EngineOptions: Codable, Equatable, Sendable {
    public var port: Int
    public var labels: [String]
    public var options: [String]
    public var env: [String]
    /// `--engine-insecure-registry`: `HOST[:PORT]` or a CIDR (dockerd's `insecure-registries`).
    public var insecureRegistry: [String]
    /// `--engine-registry-mirror`: `http(s)://HOST[:PORT]` (dockerd's `registry-mirrors`).
    public var registryMirror: [String]

    public init(port: Int = 2376, labels: [String] = [], options: [String] = [], env: [String] = [],
                insecureRegistry: [String] = [], registryMirror: [String] = []) {
        self.port = port
        self.labels = labels
        self.options = options
        self.env = env
        self.insecureRegistry = insecureRegistry
        self.registryMirror = registryMirror
    }

    enum CodingKeys: String, CodingKey {
        case port = "Port", labels = "Labels", options = "ArbitraryFlags", env = "Env"
        case insecureRegistry = "InsecureRegistry", registryMirror = "RegistryMirror"
    }

    /// Records written before the registry keys existed read as having none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 2376
        labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? []
        options = try c.decodeIfPresent([String].self, forKey: .options) ?? []
        env = try c.decodeIfPresent([String].self, forKey: .env) ?? []
        insecureRegistry = try c.decodeIfPresent([String].self, forKey: .insecureRegistry) ?? []
        registryMirror = try c.decodeIfPresent([String].self, forKey: .registryMirror) ?? []
    }

    /// Checks the registry flags, naming the bad one.
    public static func validateRegistries(insecure: [String], mirrors: [String]) throws {
        for entry in insecure {
            if entry.contains("/") {
                _ = try IPv4Network(parsing: entry, strict: false)
                continue
            }
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard !entry.isEmpty, parts.count <= 2, !parts[0].isEmpty,
                  parts.count == 1 || (UInt16(parts[1]) ?? 0) > 0,
                  parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
                throw BerthError.invalidArgument("--engine-insecure-registry \"\(entry)\": expected HOST[:PORT] or a CIDR")
            }
        }
        for mirror in mirrors {
            let lower = mirror.lowercased()
            let rest = lower.hasPrefix("https://") ? lower.dropFirst(8) : lower.hasPrefix("http://") ? lower.dropFirst(7) : nil
            guard let rest, !rest.isEmpty, !rest.contains(" "), !rest.hasPrefix("/") else {
                throw BerthError.invalidArgument("--engine-registry-mirror \"\(mirror)\": expected http(s)://HOST[:PORT]")
            }
        }
    }
}

/// How to reach the host over SSH. `keyPath` is relative to the store when it lies inside it.
public struct SSHSettings: Codable, Equatable, Sendable {
    public var ipAddress: String
    public var port: Int
    public var user: String
    public var keyPath: String?

    public init(ipAddress: String, port: Int = 22, user: String = "root", keyPath: String? = nil) {
        self.ipAddress = ipAddress
        self.port = port
        self.user = user
        self.keyPath = keyPath
    }

    enum CodingKeys: String, CodingKey {
        case ipAddress = "IPAddress", port = "Port", user = "User", keyPath = "KeyPath"
    }
}

/// What the provisioner found and installed.
public struct ProvisionInfo: Codable, Equatable, Sendable {
    public var osID: String
    public var osName: String
    public var initSystem: String
    public var agentVersion: String?

    public init(osID: String, osName: String, initSystem: String, agentVersion: String? = nil) {
        self.osID = osID
        self.osName = osName
        self.initSystem = initSystem
        self.agentVersion = agentVersion
    }

    enum CodingKeys: String, CodingKey {
        case osID = "OSID", osName = "OSName", initSystem = "InitSystem", agentVersion = "AgentVersion"
    }
}

public extension MachineRecord {
    /// The docker-machine style encoder: 4-space indentation is applied by `inspect`; files use sorted keys.
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    func encoded() throws -> Data { try MachineRecord.encoder().encode(self) }

    static func decode(_ data: Data) throws -> MachineRecord {
        let r = try decoder().decode(MachineRecord.self, from: data)
        guard r.configVersion <= currentVersion else {
            throw BerthError.unsupported("config version \(r.configVersion) is newer than this berth understands")
        }
        return r
    }
}
