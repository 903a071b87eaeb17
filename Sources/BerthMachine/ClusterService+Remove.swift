import BerthCore
import Foundation

extension ClusterService {
    /// Stops the members and removes their data and files, forgets the cluster, and points every agent at no
    /// cluster. A member that is not running stops the removal unless `force` (its files stay on it then).
    public func remove(force: Bool, say: @escaping (String) -> Void) throws {
        if force, try store.loadCluster() == nil, FileManager.default.fileExists(atPath: store.layout.etcdDir) {
            return try sweepUnrecorded(say: say)
        }
        let cluster = try requireCluster()
        let records = cluster.members.map { m in (m, try? machines.load(m.name)) }
        if !force {
            for (m, r) in records {
                guard let r else { throw BerthError.notFound("member \(m.name) is no longer a machine of this store (use -f)") }
                try machines.requireRunning(r)
            }
        }
        say("Removing etcd members \(cluster.members.map(\.name).joined(separator: ", "))...")
        let failures = concurrently(records) { pair -> String? in
            let (m, r) = pair
            guard let r else { return nil }
            do { try removeMember(r); return nil } catch { return "\(m.name): \(error)" }
        }.compactMap { $0 }
        if !failures.isEmpty, !force {
            throw BerthError.failed("removing etcd members: \(failures.joined(separator: "; ")) (use -f to forget the cluster anyway)")
        }
        for f in failures { say("Warning: \(f)") }
        try store.withLock { try store.removeCluster() }
        pointAgents(cluster: nil, say: say)
        say("Cluster store removed")
    }

    /// What an `etcd create` killed before it recorded the cluster left: its certificates, and members on any
    /// running machine of the store.
    func sweepUnrecorded(say: @escaping (String) -> Void) throws {
        say("No cluster was recorded; removing etcd members left by an interrupted berth etcd create...")
        _ = concurrently(store.records()) { r in
            guard (try? machines.driver(r).state()) == .running, let shell = try? machines.connect(r) else { return }
            defer { shell.close() }
            let prov = machines.provisioner(r, shell: shell)
            if prov.hasEtcdMember(etcd: layout) {
                try? prov.uninstallEtcd(etcd: layout)
                say("\(r.name): etcd member removed")
            }
        }
        try store.withLock { try store.removeCluster() }
        say("Cluster store removed")
    }
}
