/// Where things live inside a store. Pure path arithmetic; the store itself does the I/O.
public struct StoreLayout: Sendable, Equatable {
    public var root: String

    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    public var certsDir: String { root + "/certs" }
    public var caCert: String { certsDir + "/ca.pem" }
    public var caKey: String { certsDir + "/ca-key.pem" }
    public var clientCert: String { certsDir + "/cert.pem" }
    public var clientKey: String { certsDir + "/key.pem" }
    public var machinesDir: String { root + "/machines" }
    public var labKey: String { root + "/lab/id_ed25519" }
    public var lockFile: String { root + "/.lock" }

    public func machineDir(_ name: String) -> String { machinesDir + "/" + name }
    public func configFile(_ name: String) -> String { machineDir(name) + "/config.json" }
    public func knownHosts(_ name: String) -> String { machineDir(name) + "/known_hosts" }

    /// Makes `path` relative to the store when it lies inside it.
    public func relative(_ path: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    /// Resolves a stored path: relative ones are inside the store.
    public func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : root + "/" + path
    }
}
