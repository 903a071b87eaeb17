import BerthAgent
import BerthCore
import Foundation

/// An in-memory ``ClusterStore`` for unit tests of what sits on the store (the cluster agent, network drivers):
/// revisions, leases (expired by hand with `expire`), create-if-absent, and watches that see every later change.
/// `reachable = false` makes every call fail as an unreachable store does and ends the open watches.
actor FakeClusterStore: ClusterStore {
    private var keys: [String: ClusterKeyValue] = [:]
    private var revision: Int64 = 1
    private var leases: Set<Int64> = []
    private var nextLease: Int64 = 100
    private var history: [ClusterWatchEvent] = []
    private var watchers: [Int: (ranges: [EtcdGateway.WatchRange], sink: AsyncThrowingStream<EtcdGateway.WatchMessage, Error>.Continuation)] = [:]
    private var nextWatcher = 0
    var reachable = true

    private func check() throws {
        guard reachable else { throw ClusterStoreError.unreachable(store: "fake://", reason: "cut") }
    }

    func setReachable(_ value: Bool) {
        reachable = value
        if !value {
            for w in watchers.values { w.sink.finish(throwing: ClusterStoreError.unreachable(store: "fake://", reason: "cut")) }
            watchers = [:]
        }
    }

    func get(_ key: String) async throws -> ClusterKeyValue? {
        try check()
        return keys[key]
    }

    func list(prefix: String) async throws -> (kvs: [ClusterKeyValue], revision: Int64) {
        try check()
        return (keys.values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }, revision)
    }

    func put(_ key: String, _ value: String, lease: Int64) async throws {
        try check()
        if lease != 0, !leases.contains(lease) {
            throw ClusterStoreError.failed(store: "fake://", reason: "etcd: etcdserver: requested lease not found")
        }
        revision += 1
        keys[key] = ClusterKeyValue(key: key, value: value, modRevision: revision, lease: lease)
        emit(ClusterWatchEvent(kind: .put, key: key, value: value, revision: revision, lease: lease))
    }

    func createIfAbsent(_ key: String, _ value: String, lease: Int64) async throws -> Bool {
        try check()
        guard keys[key] == nil else { return false }
        try await put(key, value, lease: lease)
        return true
    }

    func delete(_ key: String) async throws {
        try check()
        guard keys[key] != nil else { return }
        revision += 1
        keys[key] = nil
        emit(ClusterWatchEvent(kind: .delete, key: key, revision: revision))
    }

    func grantLease(ttl: Int) async throws -> Int64 {
        try check()
        nextLease += 1
        leases.insert(nextLease)
        return nextLease
    }

    func keepAlive(lease: Int64) async throws -> Int64 {
        try check()
        return leases.contains(lease) ? 15 : 0
    }

    func revokeLease(_ lease: Int64) async throws {
        try check()
        expire(lease)
    }

    /// Ends `lease` as etcd does when its TTL runs out: its keys are deleted, all in one revision, reported in one
    /// watch message.
    func expire(_ lease: Int64) {
        leases.remove(lease)
        let gone = keys.values.sorted(by: { $0.key < $1.key }).filter { $0.lease == lease }
        guard !gone.isEmpty else { return }
        revision += 1
        var events: [ClusterWatchEvent] = []
        for kv in gone {
            keys[kv.key] = nil
            events.append(ClusterWatchEvent(kind: .delete, key: kv.key, revision: revision))
        }
        emit(events)
    }

    nonisolated func watch(_ ranges: [EtcdGateway.WatchRange]) -> AsyncThrowingStream<EtcdGateway.WatchMessage, Error> {
        let (stream, sink) = AsyncThrowingStream.makeStream(of: EtcdGateway.WatchMessage.self)
        Task { await self.open(ranges, sink) }
        return stream
    }

    private func open(_ ranges: [EtcdGateway.WatchRange],
                      _ sink: AsyncThrowingStream<EtcdGateway.WatchMessage, Error>.Continuation) {
        guard reachable else {
            sink.finish(throwing: ClusterStoreError.unreachable(store: "fake://", reason: "cut"))
            return
        }
        for (index, range) in ranges.enumerated() {
            sink.yield(.created(watchID: Int64(index + 1), revision: revision))
            let past = history.filter { $0.key.hasPrefix(range.prefix) && $0.revision >= range.startRevision }
            if !past.isEmpty { sink.yield(.events(watchID: Int64(index + 1), past)) }
        }
        let id = nextWatcher
        nextWatcher += 1
        watchers[id] = (ranges, sink)
    }

    private func emit(_ event: ClusterWatchEvent) { emit([event]) }

    /// Events of one revision, one message per watched range that covers any of them.
    private func emit(_ events: [ClusterWatchEvent]) {
        history.append(contentsOf: events)
        for w in watchers.values {
            for (index, range) in w.ranges.enumerated() {
                let covered = events.filter { $0.key.hasPrefix(range.prefix) }
                if !covered.isEmpty { w.sink.yield(.events(watchID: Int64(index + 1), covered)) }
            }
        }
    }
}
