/// What an agent's `berthd.json` says about the cluster store, in dockerd's words: `cluster-store`
/// (`etcd://host:port[,host:port...]`), `cluster-advertise` (`IP:port` or `interface:port`) and
/// `cluster-store-opts` (`kv.cacertfile`, `kv.certfile`, `kv.keyfile`).
public struct ClusterStoreSettings: Equatable, Sendable {
    public var store: String
    public var advertise: String?
    public var options: [String: String]

    /// The `kv.*` options dockerd takes for a TLS etcd.
    public static let optionKeys = ["kv.cacertfile", "kv.certfile", "kv.keyfile"]

    public init(store: String, advertise: String?, options: [String: String] = [:]) {
        self.store = store
        self.advertise = advertise
        self.options = options
    }

    /// The settings for a Berth-run cluster, with the client files where the provisioner installs them.
    public static func berthCluster(_ cluster: ClusterRecord, advertise: String, certDir: String) -> ClusterStoreSettings {
        ClusterStoreSettings(store: cluster.clusterStore, advertise: advertise,
                             options: ["kv.cacertfile": certDir + "/ca.pem", "kv.certfile": certDir + "/client.pem",
                                       "kv.keyfile": certDir + "/client-key.pem"])
    }

    /// Reads docker-machine's `--engine-opt` values (`cluster-store=...`, `cluster-advertise=...`,
    /// `cluster-store-opt=kv.cacertfile=...`); nil when none names a cluster store. Other options are not ours.
    public static func parse(engineOptions: [String]) throws -> ClusterStoreSettings? {
        var store: String?
        var advertise: String?
        var options: [String: String] = [:]
        for raw in engineOptions {
            let opt = raw.hasPrefix("--") ? String(raw.dropFirst(2)) : raw
            guard let eq = opt.firstIndex(of: "=") else { continue }
            let key = String(opt[..<eq]), value = String(opt[opt.index(after: eq)...])
            switch key {
            case "cluster-store":
                try checkStore(value)
                store = value
            case "cluster-advertise":
                try checkAdvertise(value)
                advertise = value
            case "cluster-store-opt":
                guard let e = value.firstIndex(of: "="), optionKeys.contains(String(value[..<e])),
                      !value[value.index(after: e)...].isEmpty else {
                    throw BerthError.invalidArgument(
                        "--engine-opt cluster-store-opt=\(value): expected kv.cacertfile=, kv.certfile= or kv.keyfile= with a path")
                }
                options[String(value[..<e])] = String(value[value.index(after: e)...])
            default: continue
            }
        }
        guard let store else {
            if advertise != nil || !options.isEmpty {
                throw BerthError.invalidArgument("--engine-opt cluster-advertise and cluster-store-opt need --engine-opt cluster-store=etcd://HOST:PORT")
            }
            return nil
        }
        return ClusterStoreSettings(store: store, advertise: advertise, options: options)
    }

    /// `etcd://host:port[,host:port...]`.
    static func checkStore(_ value: String) throws {
        let bad = BerthError.invalidArgument("--engine-opt cluster-store=\(value): expected etcd://HOST:PORT[,HOST:PORT...]")
        guard value.hasPrefix("etcd://") else { throw bad }
        let hosts = value.dropFirst("etcd://".count).split(separator: ",", omittingEmptySubsequences: false)
        for h in hosts {
            guard let colon = h.lastIndex(of: ":"), colon != h.startIndex,
                  let port = Int(h[h.index(after: colon)...]), (1...65535).contains(port) else { throw bad }
        }
    }

    /// `IP:port` or `interface:port`.
    static func checkAdvertise(_ value: String) throws {
        guard let colon = value.lastIndex(of: ":"), colon != value.startIndex,
              let port = Int(value[value.index(after: colon)...]), (1...65535).contains(port) else {
            throw BerthError.invalidArgument("--engine-opt cluster-advertise=\(value): expected IP:PORT or INTERFACE:PORT")
        }
    }
}
