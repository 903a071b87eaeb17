import BerthKernel
import Glibc

extension AgentConfiguration {
    /// The `cluster-store-opts` keys the agent understands (dockerd's names).
    public static let clusterStoreOptionKeys = ["kv.cacertfile", "kv.certfile", "kv.keyfile"]

    /// The cluster store settings, nil when `cluster-store` is absent or empty; a bad value throws an error naming
    /// its key. `cluster-advertise` given as `INTERFACE:PORT` is resolved to the interface's IPv4 address here.
    public func clusterSettings(
        interfaceAddress: (String) -> String? = HostInterfaces.ipv4
    ) throws -> ClusterSettings? {
        let store = clusterStore ?? ""
        let advertise = clusterAdvertise ?? ""
        let options = clusterStoreOpts ?? [:]
        guard !store.isEmpty else {
            if !advertise.isEmpty {
                throw AgentConfigurationError.invalid(key: "cluster-advertise", reason: "needs cluster-store")
            }
            if !options.isEmpty {
                throw AgentConfigurationError.invalid(key: "cluster-store-opts", reason: "needs cluster-store")
            }
            return nil
        }
        return ClusterSettings(store: store, endpoints: try Self.clusterEndpoints(store),
                               advertise: advertise.isEmpty ? nil : try Self.clusterAdvertise(advertise, interfaceAddress),
                               tls: try Self.clusterTLS(options))
    }

    /// `etcd://HOST:PORT[,HOST:PORT...]`; a missing port is etcd's 2379.
    static func clusterEndpoints(_ store: String) throws -> [ClusterSettings.Endpoint] {
        func bad(_ reason: String) -> AgentConfigurationError {
            .invalid(key: "cluster-store", reason: "\"\(store)\" \(reason)")
        }
        let scheme = "etcd://"
        guard store.hasPrefix(scheme) else { throw bad("is not etcd://HOST:PORT[,HOST:PORT...] (only etcd is supported)") }
        var rest = String(store.dropFirst(scheme.count))
        if rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.contains("/") else { throw bad("has a path; the agent keeps its keys under /berth") }
        let parts = rest.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return try parts.map { part in
            guard !part.isEmpty else { throw bad("has an empty endpoint") }
            guard let colon = part.lastIndex(of: ":") else { return .init(host: part, port: 2379) }
            let host = String(part[..<colon])
            guard !host.isEmpty, !host.contains(":") else { throw bad("has a bad host in \"\(part)\"") }
            guard let port = Int(part[part.index(after: colon)...]), (1...65535).contains(port) else {
                throw bad("has a bad port in \"\(part)\"")
            }
            return .init(host: host, port: port)
        }
    }

    /// `IP:PORT`, or `INTERFACE:PORT` with the interface's IPv4 address put in.
    static func clusterAdvertise(_ value: String, _ interfaceAddress: (String) -> String?) throws -> String {
        func bad(_ reason: String) -> AgentConfigurationError {
            .invalid(key: "cluster-advertise", reason: "\"\(value)\" \(reason)")
        }
        guard let colon = value.lastIndex(of: ":") else { throw bad("is not IP:PORT or INTERFACE:PORT") }
        let host = String(value[..<colon])
        guard let port = Int(value[value.index(after: colon)...]), (1...65535).contains(port) else {
            throw bad("has a bad port")
        }
        guard !host.isEmpty else { throw bad("is not IP:PORT or INTERFACE:PORT") }
        if HostInterfaces.isIPv4(host) { return "\(host):\(port)" }
        guard let address = interfaceAddress(host) else {
            throw bad("names no IPv4 address and no interface with one")
        }
        return "\(address):\(port)"
    }

    /// TLS when any certificate file is named; the client certificate and key come together; paths are absolute.
    static func clusterTLS(_ options: [String: String]) throws -> ClusterSettings.TLSFiles? {
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            guard clusterStoreOptionKeys.contains(key) else {
                throw AgentConfigurationError.invalid(
                    key: "cluster-store-opts", reason: "unknown option \"\(key)\" (known: \(clusterStoreOptionKeys.joined(separator: ", ")))")
            }
            guard value.hasPrefix("/") else {
                throw AgentConfigurationError.invalid(key: "cluster-store-opts",
                                                      reason: "\(key): \"\(value)\" is not an absolute path")
            }
        }
        let files = ClusterSettings.TLSFiles(caFile: options["kv.cacertfile"], certFile: options["kv.certfile"],
                                             keyFile: options["kv.keyfile"])
        if (files.certFile == nil) != (files.keyFile == nil) {
            let missing = files.certFile == nil ? "kv.certfile" : "kv.keyfile"
            throw AgentConfigurationError.invalid(key: "cluster-store-opts",
                                                  reason: "\(missing) is missing (kv.certfile and kv.keyfile go together)")
        }
        return files == ClusterSettings.TLSFiles() ? nil : files
    }
}
