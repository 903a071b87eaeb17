import BerthCore
import Foundation

/// `berth etcd`: runs the store's etcd cluster on its machines and points every agent at it.
public final class ClusterService: @unchecked Sendable {
    public let machines: MachineService
    public let probe: EtcdProbe
    /// The etcd binary members run (Debian's etcd-server, `/usr/bin/etcd`), uploaded where a host lacks it.
    public let etcdBinary: String
    /// How long `create` waits for every member to answer with a leader.
    public var healthTimeout: Double = 90

    public init(machines: MachineService, probe: EtcdProbe, etcdBinary: String) {
        self.machines = machines
        self.probe = probe
        self.etcdBinary = etcdBinary
    }

    /// `$BERTH_ETCD`, else Debian's `/usr/bin/etcd`.
    public static func locateBinary(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["BERTH_ETCD"], !p.isEmpty { return p }
        return EtcdLayout().systemBinary
    }

    var store: MachineStore { machines.store }
    var layout: EtcdLayout { machines.etcdLayout }

    /// The store's cluster, or one clear error when there is none.
    public func requireCluster() throws -> ClusterRecord {
        guard let c = try store.loadCluster() else {
            throw BerthError.notFound("no cluster store in \(store.layout.root) (berth etcd create MACHINE...)")
        }
        return c
    }

    /// How each member answers, for `berth etcd ls`.
    public func listing(timeout: Double = 5) throws -> ClusterListing {
        let cluster = try requireCluster()
        let tls = machines.certificates.etcdClientTLS
        let rows = concurrently(cluster.members) { m -> ClusterListing.Row in
            do {
                return .init(name: m.name, endpoint: m.clientURL,
                             status: try probe.status(endpoint: m.clientURL, tls: tls, timeout: timeout))
            } catch {
                return .init(name: m.name, endpoint: m.clientURL, status: nil, error: "\(error)")
            }
        }
        return ClusterListing(rows: rows)
    }
}
