import BerthCluster
import BerthCore
import BerthMachine
import BerthSSH
import BerthVolume
import Foundation

/// Reads what exists: the store's machines (state, address, and through each running agent its networks, volumes,
/// images and containers, in parallel), the etcd store and flannel's leases.
struct ClusterObserver {
    let global: GlobalOptions
    let svc: MachineService

    func observe() -> ObservedCluster {
        let records = svc.store.records()
        let machines = parallelMap(records) { record -> ObservedMachine in
            let state = svc.status(record, timeout: 5).state
            var m = ObservedMachine(name: record.name, driver: record.driverName, state: state.rawValue,
                                    address: record.ssh.ipAddress, agentAnswered: false, labels: record.engine.labels)
            guard state == .running, let contents = try? EngineClient(service: svc, record: record).contents() else { return m }
            m.agentAnswered = true
            m.networks = contents.networks
            m.volumes = contents.volumes
            m.images = contents.images
            m.containers = contents.containers
            return m
        }
        var cluster = ObservedCluster(machines: machines)
        if let record = try? svc.store.loadCluster() {
            let names = record.members.map(\.name)
            let listing = try? global.clusterService().listing(timeout: 3)
            cluster.store = ObservedStore(members: names, clientURLs: record.clientURLs,
                                          healthy: listing?.rows.filter { $0.status != nil }.map(\.name) ?? [])
            if let flannel = try? FlannelService(machines: svc, kv: CurlClusterKV(cluster: record, layout: svc.store.layout)).ls() {
                var leases: [String: String] = [:]
                for row in flannel.rows { leases[row.machine] = "\(row.subnet)" }
                cluster.flannel = ObservedFlannel(network: "\(flannel.network)", backend: flannel.rows.first?.backend ?? "",
                                                  leases: leases)
            }
        }
        return cluster
    }
}

/// Where the ledger of a cluster file lives: `<store>/clusters/<name>.json`.
struct LedgerFile {
    let path: String
    let store: MachineStore

    init(store: MachineStore, name: String) {
        self.store = store
        path = store.layout.root + "/clusters/\(name).json"
    }

    func load(file: String, name: String) throws -> ClusterLedger {
        guard let data = FileManager.default.contents(atPath: path) else { return ClusterLedger(name: name, file: file) }
        do { return try JSONDecoder().decode(ClusterLedger.self, from: data) } catch {
            throw BerthError.failed("\(path): unreadable ledger: \(error)")
        }
    }

    func save(_ ledger: ClusterLedger) throws {
        if ledger.isEmpty {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try store.write(try enc.encode(ledger), to: path, mode: 0o600)
    }
}
