import ArgumentParser
import BerthCore
import BerthMachine

/// `berth etcd create|ls|env|rm`: the store's cluster store, an etcd cluster on its machines.
struct EtcdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etcd", abstract: "Run the cluster store (etcd) on machines and point every agent at it",
        subcommands: [EtcdCreate.self, EtcdLs.self, EtcdEnv.self, EtcdRm.self])
}

extension GlobalOptions {
    /// The cluster service for this invocation (etcd reached with libcurl, members' binary from BERTH_ETCD).
    func clusterService() throws -> ClusterService {
        ClusterService(machines: try service(), probe: CurlEtcdProbe(), etcdBinary: ClusterService.locateBinary())
    }
}
