import BerthAgent
import BerthCore
import Foundation
import Testing

/// The cluster agent against the in-memory store: the mirror, subscriptions, the node table, lease loss.
@Suite("ClusterAgent on a fake store")
struct ClusterAgentUnitTests {
    let settings = ClusterSettings(store: "etcd://fake:2379", endpoints: [.init(host: "fake", port: 2379)])

    @Test func subscribersGetTheCurrentKeysThenEveryChange() async throws {
        let store = FakeClusterStore()
        try await store.put("/berth/networks/a", "1")
        let agent = ClusterAgent(settings: settings, store: store, node: ClusterAgentTests.node("e1"), leaseTTL: 1,
                                 logger: ClusterAgentTests.logger)
        await agent.start()
        #expect(await eventually(5) {
            let up = await agent.watching
            let count = await agent.snapshot(prefix: "/berth/networks/").count
            return up && count == 1
        })
        let log = EventLog()
        let events = await agent.subscribe(prefix: "/berth/networks/")
        let reader = Task { for await e in events { await log.add(e) } }
        defer { reader.cancel() }
        try await store.put("/berth/networks/b", "2")
        try await store.put("/coreos.com/network/config", "{}")
        try await store.delete("/berth/networks/a")
        #expect(await eventually(5) { await log.lines.count == 3 })
        #expect(await log.lines == ["put /berth/networks/a 1", "put /berth/networks/b 2", "delete /berth/networks/a "])
        #expect(await agent.snapshot(prefix: "/coreos.com/network/").map(\.key) == ["/coreos.com/network/config"])
        await agent.stop()
    }

    @Test func theNodeTableFollowsLeases() async throws {
        let store = FakeClusterStore()
        let a = ClusterAgent(settings: settings, store: store, node: ClusterAgentTests.node("e1"), leaseTTL: 1,
                             logger: ClusterAgentTests.logger)
        let b = ClusterAgent(settings: settings, store: store, node: ClusterAgentTests.node("e2"), leaseTTL: 1,
                             logger: ClusterAgentTests.logger)
        await a.start()
        await b.start()
        #expect(await eventually(5) { await a.liveNodes().map(\.id) == ["e1", "e2"] })
        // e2's lease runs out under it: gone from e1's table, then back once e2 writes its record again.
        let log = EventLog()
        let events = await a.subscribe(prefix: "/berth/nodes/e2")
        let reader = Task { for await e in events { await log.add(e) } }
        defer { reader.cancel() }
        let lost = await b.lease
        await store.expire(lost)
        #expect(await eventually(5) { await log.lines.filter { $0.hasPrefix("delete ") }.count == 1 })
        #expect(await eventually(5) {
            let lines = await log.lines
            return lines.count == 3 && lines[2].hasPrefix("put /berth/nodes/e2 ")
        })
        #expect(await b.lease != lost)
        #expect(await a.liveNodes().map(\.id) == ["e1", "e2"])
        await b.stop(revoke: true)
        #expect(await eventually(5) { await a.liveNodes().map(\.id) == ["e1"] })
        await a.stop()
    }

    @Test func everyKeyOfARevokedLeaseIsSeenGone() async throws {
        // etcd deletes a lease's keys in one revision and reports them in one message: none may be skipped.
        let store = FakeClusterStore()
        let agent = ClusterAgent(settings: settings, store: store, node: ClusterAgentTests.node("e1"), leaseTTL: 5,
                                 logger: ClusterAgentTests.logger)
        await agent.start()
        #expect(await eventually(5) { await agent.watching })
        let lease = try await store.grantLease(ttl: 60)
        for key in ["a", "b", "c"] { try await store.put("/berth/overlay/endpoints/n/\(key)", "x", lease: lease) }
        #expect(await eventually(5) { await agent.snapshot(prefix: "/berth/overlay/").count == 3 })
        await store.expire(lease)
        #expect(await eventually(5) { await agent.snapshot(prefix: "/berth/overlay/").isEmpty })
        await agent.stop()
    }

    @Test func aCutStoreIsRetriedAndTheWatchResumes() async throws {
        let store = FakeClusterStore()
        let agent = ClusterAgent(settings: settings, store: store, node: ClusterAgentTests.node("e1"), leaseTTL: 1,
                                 logger: ClusterAgentTests.logger)
        await agent.start()
        #expect(await eventually(5) { await agent.watching })
        await store.setReachable(false)
        #expect(await eventually(5) {
            let up = await agent.watching
            let error = await agent.lastError
            return !up && error != nil
        })
        await store.setReachable(true)
        try await store.put("/berth/networks/after", "x")
        #expect(await eventually(10) { await agent.snapshot(prefix: "/berth/networks/").map(\.value) == ["x"] })
        #expect(await eventually(5) { await agent.lastError == nil })
        await agent.stop()
    }
}
