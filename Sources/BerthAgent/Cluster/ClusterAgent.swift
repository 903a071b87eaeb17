import BerthCore
import Logging

/// The agent's side of the cluster store. It keeps ONE watch on the store (Berth's keys and flannel's, see
/// ``ClusterLayout/watchedPrefixes``) and a mirror of every watched key, resumed after a disconnect from the
/// last revision seen + 1 so no change is missed (re-listed and diffed when etcd has compacted that revision);
/// and it keeps this node's record under `/berth/nodes/<engine-id>` on a lease it renews, re-created if the
/// lease expired while the store was away. Nothing here blocks the agent: with the store down, it retries with
/// backoff in the background.
///
/// Network drivers read the mirror through ``subscribe(prefix:)`` (current keys first, then every change) and
/// ``snapshot(prefix:)``, and write through ``store``.
public actor ClusterAgent {
    public nonisolated let settings: ClusterSettings
    public nonisolated let store: any ClusterStore
    public nonisolated let layout: ClusterLayout
    /// This node's record as written to the store.
    public nonisolated let node: ClusterNodeRecord
    let leaseTTL: Int
    let logger: Logger
    let ranges: [String]

    /// Every watched key as last seen.
    var mirror: [String: ClusterKeyValue] = [:]
    /// Per watched prefix: the revision the watch resumes from, 0 when the prefix must be listed first.
    var nextRevision: [Int64]
    var subscribers: [Int: Subscriber] = [:]
    var nextSubscriber = 0
    var watchTask: Task<Void, Never>?
    var nodeTask: Task<Void, Never>?
    /// Whether the watch is up (created on the store and not broken since).
    public internal(set) var watching = false
    /// The lease of this node's record, 0 when none is held; `registered` once the record is written with it.
    public internal(set) var lease: Int64 = 0
    public internal(set) var registered = false
    /// The last failure talking to the store, nil after a success.
    public internal(set) var lastError: String?
    var stopped = false

    struct Subscriber {
        let prefix: String
        let continuation: AsyncStream<ClusterWatchEvent>.Continuation
    }

    public init(settings: ClusterSettings, store: any ClusterStore, node: ClusterNodeRecord,
                layout: ClusterLayout = ClusterLayout(), leaseTTL: Int = 15, logger: Logger) {
        self.settings = settings
        self.store = store
        self.node = node
        self.layout = layout
        self.leaseTTL = leaseTTL
        self.logger = logger
        ranges = layout.watchedPrefixes
        nextRevision = Array(repeating: 0, count: ranges.count)
    }

    /// Starts the watch and the node record in the background and returns at once.
    public func start() {
        guard watchTask == nil, !stopped else { return }
        logger.info("cluster store configured", metadata: [
            "store": "\(settings.store)", "advertise": "\(settings.advertise ?? "")", "node": "\(node.id)",
        ])
        startWatch()
        nodeTask = Task { await self.keepNodeRecord() }
    }

    /// Stops watching and renewing; with `revoke`, ends this node's lease so its record goes at once (otherwise
    /// it expires after the TTL). Subscribers' streams finish.
    public func stop(revoke: Bool = true) async {
        stopped = true
        watchTask?.cancel()
        nodeTask?.cancel()
        watchTask = nil
        nodeTask = nil
        watching = false
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers = [:]
        if revoke, lease != 0 {
            try? await store.revokeLease(lease)
            lease = 0
            registered = false
        }
    }

    /// The current keys under `prefix` (as put events, in key order), then every change under it as it is seen.
    public func subscribe(prefix: String) -> AsyncStream<ClusterWatchEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ClusterWatchEvent.self)
        for kv in snapshot(prefix: prefix) {
            continuation.yield(ClusterWatchEvent(kind: .put, key: kv.key, value: kv.value, revision: kv.modRevision,
                                                 lease: kv.lease))
        }
        if stopped {
            continuation.finish()
            return stream
        }
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = Subscriber(prefix: prefix, continuation: continuation)
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    /// The watched keys under `prefix` as last seen, in key order.
    public func snapshot(prefix: String) -> [ClusterKeyValue] {
        mirror.values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }
    }

    /// The nodes whose records are in the store (live: their agents keep their leases), by name.
    public func liveNodes() -> [ClusterNodeRecord] {
        snapshot(prefix: layout.nodesPrefix).compactMap { kv in
            layout.engineID(ofNodeKey: kv.key) == nil ? nil : ClusterNodeRecord.parse(kv.value)
        }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }

    /// Hands `event` to the subscribers whose prefix covers it.
    func publish(_ event: ClusterWatchEvent) {
        for subscriber in subscribers.values where event.key.hasPrefix(subscriber.prefix) {
            subscriber.continuation.yield(event)
        }
    }

    /// Records a failure; logs only the change from working to failing (and a new reason), not every retry.
    func noteFailure(_ what: String, _ error: Error) {
        let reason = "\(error)"
        if lastError != reason {
            logger.warning("cluster store unavailable, retrying", metadata: ["step": "\(what)", "error": "\(reason)"])
        }
        lastError = reason
    }

    func noteSuccess(_ what: String) {
        if let previous = lastError {
            logger.notice("cluster store reachable again", metadata: ["step": "\(what)", "was": "\(previous)"])
        }
        lastError = nil
    }
}
