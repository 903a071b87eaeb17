import BerthCore

extension ClusterAgent {
    /// The compacted answer: the prefix is listed again before the watch resumes.
    struct MustRelist: Error {}

    func startWatch() {
        watchTask?.cancel()
        watchTask = Task { await self.watchLoop() }
    }

    /// Drops the current watch stream and opens a new one (resuming from the mirror's revisions): used when the
    /// lease renewal fails, since a connection to a vanished host may never report its end.
    func restartWatch() {
        guard !stopped, watching else { return }
        watching = false
        startWatch()
    }

    /// Lists what needs listing, watches from the next revisions, applies what comes; on a break waits (with
    /// backoff) and goes round again, until cancelled.
    func watchLoop() async {
        var backoff = RetryBackoff()
        while !Task.isCancelled && !stopped {
            do {
                for index in ranges.indices where nextRevision[index] == 0 {
                    try await relist(index)
                }
                let watch = store.watch(ranges.indices.map {
                    EtcdGateway.WatchRange(prefix: ranges[$0], startRevision: nextRevision[$0])
                })
                for try await message in watch {
                    if Task.isCancelled { return }
                    try apply(message)
                    if !watching {
                        watching = true
                        noteSuccess("watch")
                        logger.debug("cluster watch up", metadata: ["from": "\(nextRevision)"])
                    }
                    backoff.reset()
                }
                throw ClusterStoreError.unreachable(store: settings.store, reason: "the watch stream ended")
            } catch is MustRelist {
                continue
            } catch {
                if Task.isCancelled || stopped { return }
                watching = false
                noteFailure("watch", error)
                try? await Task.sleep(for: backoff.next())
            }
        }
    }

    /// Applies one watch message to the mirror and tells the subscribers.
    func apply(_ message: EtcdGateway.WatchMessage) throws {
        switch message {
        case .events(let id, let events):
            let index = Int(id) - 1
            guard ranges.indices.contains(index) else { return }
            // Several events can share one revision (a transaction, a lease revoked with all its keys): the floor
            // is taken once per message, so only revisions already applied before it are skipped.
            let floor = nextRevision[index]
            for event in events where event.revision >= floor {
                nextRevision[index] = max(nextRevision[index], event.revision + 1)
                switch event.kind {
                case .put:
                    mirror[event.key] = ClusterKeyValue(key: event.key, value: event.value,
                                                        modRevision: event.revision, lease: event.lease)
                case .delete:
                    mirror[event.key] = nil
                    if event.key == layout.nodeKey(engineID: node.id) { registered = false }
                }
                noteNode(event)
                publish(event)
            }
        case .compacted(let id, let revision):
            let index = Int(id) - 1
            logger.notice("cluster watch: revision compacted, listing again",
                          metadata: ["prefix": "\(ranges.indices.contains(index) ? ranges[index] : "?")",
                                     "compacted": "\(revision)"])
            if ranges.indices.contains(index) { nextRevision[index] = 0 } else { nextRevision = nextRevision.map { _ in 0 } }
            throw MustRelist()
        case .canceled(_, let reason):
            throw ClusterStoreError.failed(store: settings.store, reason: "the watch was cancelled: \(reason)")
        case .created, .progress:
            break
        }
    }

    /// Logs other nodes joining and leaving the node table (a record written or gone).
    func noteNode(_ event: ClusterWatchEvent) {
        guard let id = layout.engineID(ofNodeKey: event.key), id != node.id else { return }
        switch event.kind {
        case .put:
            let record = ClusterNodeRecord.parse(event.value)
            logger.info("cluster node up", metadata: ["node": "\(id)", "name": "\(record?.name ?? "?")",
                                                      "addr": "\(record?.address ?? "?")"])
        case .delete:
            logger.info("cluster node gone", metadata: ["node": "\(id)"])
        }
    }

    /// Lists prefix `index` and turns the difference from the mirror into events (puts for new or changed keys,
    /// deletes for keys gone), so subscribers never see a gap; the watch then resumes after the listing.
    func relist(_ index: Int) async throws {
        let prefix = ranges[index]
        let (kvs, revision) = try await store.list(prefix: prefix)
        let fresh = Dictionary(kvs.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        for key in mirror.keys.sorted() where key.hasPrefix(prefix) && fresh[key] == nil {
            mirror[key] = nil
            if key == layout.nodeKey(engineID: node.id) { registered = false }
            let event = ClusterWatchEvent(kind: .delete, key: key, revision: revision)
            noteNode(event)
            publish(event)
        }
        for kv in kvs where mirror[kv.key] != kv {
            let known = mirror[kv.key] != nil
            mirror[kv.key] = kv
            let event = ClusterWatchEvent(kind: .put, key: kv.key, value: kv.value, revision: kv.modRevision,
                                          lease: kv.lease)
            if !known { noteNode(event) }
            publish(event)
        }
        nextRevision[index] = revision + 1
    }
}
