import BerthCore

/// The seam to an etcd member's JSON gateway (libcurl with the controller's client certificate in `berth`).
public protocol EtcdProbe: Sendable {
    /// `/v3/maintenance/status` of the member at `endpoint` (`https://IP:2379`).
    func status(endpoint: String, tls: ClientTLSFiles, timeout: Double) throws -> EtcdGateway.Status
    /// `/v3/cluster/member/list` as the member at `endpoint` sees it.
    func members(endpoint: String, tls: ClientTLSFiles, timeout: Double) throws -> [EtcdGateway.Member]
}
