import BerthCore

extension ClusterAgent {
    /// Keeps this node's record in the store: grants a lease, writes the record with it, renews it every third
    /// of its TTL; a lease found gone (etcd answers TTL 0, or refuses a put with it) is granted anew and the record
    /// written again. Failures wait with backoff; an unreachable store also restarts the watch, whose connection
    /// may be just as dead without having noticed.
    func keepNodeRecord() async {
        var backoff = RetryBackoff()
        let key = layout.nodeKey(engineID: node.id)
        while !Task.isCancelled && !stopped {
            do {
                if lease == 0 {
                    lease = try await store.grantLease(ttl: leaseTTL)
                    registered = false
                }
                if !registered {
                    try await store.put(key, node.json(), lease: lease)
                    registered = true
                    logger.info("cluster node record written", metadata: ["key": "\(key)", "lease": "\(lease)"])
                } else {
                    let ttl = try await store.keepAlive(lease: lease)
                    if ttl <= 0 {
                        logger.notice("cluster node lease expired, writing the record again",
                                      metadata: ["lease": "\(lease)"])
                        lease = 0
                        registered = false
                        continue
                    }
                }
                noteSuccess("node record")
                backoff.reset()
                try? await Task.sleep(for: .milliseconds(max(200, leaseTTL * 1000 / 3)))
            } catch ClusterStoreError.failed(_, let reason) where reason.contains("lease not found") {
                logger.notice("cluster node lease gone, granting a new one", metadata: ["lease": "\(lease)"])
                lease = 0
                registered = false
            } catch {
                if Task.isCancelled || stopped { return }
                noteFailure("node record", error)
                if case ClusterStoreError.failed = error {} else { restartWatch() }
                try? await Task.sleep(for: backoff.next())
            }
        }
    }
}
