import BerthCore

/// A key as the store holds it: value, the revision it was last written at, and its lease (0 for none).
public typealias ClusterKeyValue = EtcdGateway.KeyValue
/// A change a watch reports: put or delete, with key, value and revision.
public typealias ClusterWatchEvent = EtcdGateway.WatchEvent

/// The cluster store as the agent and its network drivers use it (etcd v3 in production, a fake in unit tests).
/// Every call may throw ``ClusterStoreError`` (unreachable store, etcd's own error).
public protocol ClusterStore: Sendable {
    /// The key, nil when it does not exist.
    func get(_ key: String) async throws -> ClusterKeyValue?
    /// Every key starting with `prefix`, in key order, and the store's revision at that moment.
    func list(prefix: String) async throws -> (kvs: [ClusterKeyValue], revision: Int64)
    /// Writes `key`, attached to `lease` unless it is 0.
    func put(_ key: String, _ value: String, lease: Int64) async throws
    /// Writes `key` only when it does not exist (one transaction); false when it existed.
    func createIfAbsent(_ key: String, _ value: String, lease: Int64) async throws -> Bool
    /// Removes `key` (nothing when it does not exist).
    func delete(_ key: String) async throws
    /// A new lease of `ttl` seconds; keys put with it go when it expires or is revoked.
    func grantLease(ttl: Int) async throws -> Int64
    /// Renews `lease`; its TTL afterwards, 0 when the lease is gone (expired or revoked).
    func keepAlive(lease: Int64) async throws -> Int64
    /// Ends `lease` and removes its keys.
    func revokeLease(_ lease: Int64) async throws
    /// One watch stream over every range; its messages until the stream breaks (the sequence then throws) or the
    /// consumer stops reading. Watcher IDs are the ranges' positions counted from 1.
    func watch(_ ranges: [EtcdGateway.WatchRange]) -> AsyncThrowingStream<EtcdGateway.WatchMessage, Error>
}

extension ClusterStore {
    public func put(_ key: String, _ value: String) async throws { try await put(key, value, lease: 0) }
    public func createIfAbsent(_ key: String, _ value: String) async throws -> Bool {
        try await createIfAbsent(key, value, lease: 0)
    }
}
