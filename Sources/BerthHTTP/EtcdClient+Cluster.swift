import BerthCore

/// What `berth etcd ls` and `etcd create` ask a member: its status and the member list.
extension EtcdClient {
    public func status() throws -> EtcdGateway.Status {
        try EtcdGateway.decodeStatus(call(EtcdGateway.status()))
    }

    public func members() throws -> [EtcdGateway.Member] {
        try EtcdGateway.decodeMembers(call(EtcdGateway.memberList()))
    }
}
