import BerthCore
import Foundation

/// How a machine's agent is pointed at a cluster store, and how its etcd member follows the machine's lifecycle.
extension MachineService {
    public var etcdLayout: EtcdLayout { EtcdLayout() }

    /// The cluster-store keys for a machine's `berthd.json`: its own `--engine-opt cluster-store=...`, else the
    /// store's Berth-run cluster (the client files at `/etc/berth/etcd`), else none.
    public func clusterSettings(for record: MachineRecord, cluster: ClusterRecord?) throws -> ClusterStoreSettings? {
        if let own = try ClusterStoreSettings.parse(engineOptions: record.engine.options) { return own }
        guard let cluster else { return nil }
        return .berthCluster(cluster, advertise: "\(record.ssh.ipAddress):\(record.engine.port)", certDir: etcdLayout.certDir)
    }

    /// Renders the agent's files for the store's current cluster: with a Berth-run cluster (and no cluster of the
    /// machine's own) the store's CA and a client certificate for this machine go to `/etc/berth/etcd` first;
    /// without one, client files left from a removed cluster go. Does not restart the agent.
    public func configureClusterClient(_ record: MachineRecord, prov: Provisioner, info: ProvisionInfo,
                                       cluster: ClusterRecord?) throws {
        let own = try ClusterStoreSettings.parse(engineOptions: record.engine.options)
        if own == nil, cluster != nil {
            let client = try certificates.issueEtcdClient(machine: record.name)
            try prov.installClusterClient(etcd: etcdLayout, caPEM: try certificates.etcdCAPEM(),
                                          client: (client.certificatePEM, client.privateKeyPEM))
        } else if cluster?.member(named: record.name) == nil, !prov.hasEtcdMember(etcd: etcdLayout) {
            try prov.host.root("rm -rf \(etcdLayout.certDir)")
        }
        try prov.installServiceFiles(record: record, info: info, cluster: try clusterSettings(for: record, cluster: cluster))
    }

    /// Runs `action` on the machine's etcd member when it is one of the store's cluster (a no-op otherwise).
    func memberControl(_ record: MachineRecord, prov: Provisioner, _ action: String) throws {
        guard let cluster = try store.loadCluster(), cluster.member(named: record.name) != nil,
              prov.hasEtcdMember(etcd: etcdLayout) else { return }
        try prov.etcdControl(action, etcd: etcdLayout)
    }

    /// Before the agent starts: its config follows the store's cluster, and a member's etcd starts first.
    func prepareStart(_ record: MachineRecord, prov: Provisioner) throws {
        let cluster = try store.loadCluster()
        if let info = record.provision { try configureClusterClient(record, prov: prov, info: info, cluster: cluster) }
        try memberControl(record, prov: prov, "start")
    }
}
