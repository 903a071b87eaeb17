import BerthCore
import BerthLinux
import Foundation

extension ClusterService {
    /// Runs an etcd member on each machine (an odd number of them), waits until all answer with a leader, records
    /// the cluster in `<store>/cluster.json` and points every agent of the store at it. A failure before the
    /// cluster is recorded removes every member it set up and the cluster's certificates.
    public func create(_ names: [String], say: @escaping (String) -> Void) throws -> ClusterRecord {
        try ClusterRecord.checkMemberCount(names.count)
        if Set(names).count != names.count { throw BerthError.invalidArgument("a machine name is given twice") }
        if let c = try store.loadCluster() { throw clusterExists(c) }
        let records = try names.map { try machines.load($0) }
        for r in records {
            try machines.requireRunning(r)
            if let own = try ClusterStoreSettings.parse(engineOptions: r.engine.options) {
                throw BerthError.exists("\(r.name) is already in a cluster (--engine-opt cluster-store=\(own.store))")
            }
        }
        guard FileManager.default.isExecutableFile(atPath: etcdBinary) else {
            throw BerthError.preCreateCheck("etcd binary not found at \(etcdBinary); install etcd-server (make deps) or set BERTH_ETCD")
        }

        // The certificate directory is the reservation: a second `etcd create` running at once stops here.
        try store.withLock {
            if let c = try store.loadCluster() { throw clusterExists(c) }
            guard try FileOps.makeDirectoryExclusively(store.layout.etcdDir, mode: 0o700) else {
                throw BerthError.exists("\(store.layout.etcdDir) exists: another berth etcd create is under way, or one was killed (berth etcd rm -f)")
            }
            try machines.certificates.makeEtcdAuthority()
        }
        let cluster = ClusterRecord(token: "berth-" + String(UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(16)),
                                    members: records.map { ClusterMember(name: $0.name, ipAddress: $0.ssh.ipAddress) })
        do {
            say("Creating etcd members on \(names.joined(separator: ", "))...")
            let failures = concurrently(records) { r -> Error? in
                do { try installMember(r, cluster: cluster, say: say); return nil } catch { return error }
            }
            if let e = failures.compactMap({ $0 }).first { throw e }
            say("Waiting for the members to elect a leader...")
            try waitHealthy(cluster)
            try store.withLock { try store.saveCluster(cluster) }
        } catch {
            say("Removing what was set up...")
            _ = concurrently(records) { r in try? removeMember(r) }
            try? store.withLock { try store.removeCluster() }
            throw error
        }
        say("Cluster store is up: \(cluster.clusterStore)")
        pointAgents(cluster: cluster, say: say)
        return cluster
    }

    func clusterExists(_ c: ClusterRecord) -> BerthError {
        .exists("a cluster store exists already (members \(c.members.map(\.name).joined(separator: ", "))); berth etcd rm first")
    }

    /// Binary, certificates, config and launcher or unit on one member, then starts it.
    func installMember(_ record: MachineRecord, cluster: ClusterRecord, say: (String) -> Void) throws {
        let shell = try machines.connect(record)
        defer { shell.close() }
        let prov = machines.provisioner(record, shell: shell)
        let info = try record.provision ?? prov.detect()
        let binary = try prov.installEtcdBinary(etcdBinary, etcd: layout, say: say)
        let member = try machines.certificates.issueEtcdMember(name: record.name, ipAddress: record.ssh.ipAddress)
        let values = EtcdTemplateValues(layout: layout, name: record.name, address: record.ssh.ipAddress, cluster: cluster,
                                        binary: binary, initSystem: info.initSystem)
        try prov.installEtcdMember(values, caPEM: try machines.certificates.etcdCAPEM(),
                                   member: (member.certificatePEM, member.privateKeyPEM))
        try prov.etcdControl("start", etcd: layout)
        say("\(record.name): etcd member started (\(binary))")
    }

    /// Stops and removes a member's etcd and files (a host that is not running has nothing to remove).
    func removeMember(_ record: MachineRecord) throws {
        guard try machines.driver(record).state() == .running else { return }
        let shell = try machines.connect(record)
        defer { shell.close() }
        try machines.provisioner(record, shell: shell).uninstallEtcd(etcd: layout)
    }

    /// Polls every member until each answers its status with a leader and one of them lists them all.
    func waitHealthy(_ cluster: ClusterRecord) throws {
        let deadline = Date().addingTimeInterval(healthTimeout)
        let tls = machines.certificates.etcdClientTLS
        var last = ""
        while Date() < deadline {
            let answers = concurrently(cluster.members) { m -> Result<EtcdGateway.Status, Error> in
                Result { try probe.status(endpoint: m.clientURL, tls: tls, timeout: 3) }
            }
            let down = zip(cluster.members, answers).compactMap { m, a -> String? in
                switch a {
                case .success(let s): return s.leader == 0 ? "\(m.name): no leader yet" : nil
                case .failure(let e): return "\(m.name): \(e)"
                }
            }
            if down.isEmpty, let listed = try? probe.members(endpoint: cluster.members[0].clientURL, tls: tls, timeout: 3),
               listed.count == cluster.members.count {
                return
            }
            last = down.joined(separator: "; ")
            usleep(500_000)
        }
        throw BerthError.timeout("the etcd members did not form a cluster within \(Int(healthTimeout))s: \(last)")
    }
}
