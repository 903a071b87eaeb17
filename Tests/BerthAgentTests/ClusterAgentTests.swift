import BerthAgent
import BerthCore
import Foundation
import Logging
import Testing

/// Polls `condition` every 50 ms until it holds or `seconds` pass.
func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Collects a subscription's events as `kind key value` lines.
actor EventLog {
    private(set) var lines: [String] = []
    func add(_ e: ClusterWatchEvent) { lines.append("\(e.kind) \(e.key) \(e.value)") }
    func contains(_ line: String) -> Bool { lines.contains(line) }
}

/// The cluster agent (one watch, the mirror, node records on leases) against a real etcd on loopback.
@Suite("ClusterAgent on a real etcd", .serialized, .enabled(if: LocalEtcd.available))
struct ClusterAgentTests {
    static var logger: Logger {
        var logger = Logger(label: "berthd.cluster.test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["BERTH_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    static func node(_ id: String) -> ClusterNodeRecord {
        ClusterNodeRecord(id: id, name: "host-\(id)", address: "127.0.0.1:2376", version: "test",
                          startedAt: "2026-12-03T08:00:00Z")
    }

    func agent(_ id: String, settings: ClusterSettings, ttl: Int = 15) throws -> ClusterAgent {
        ClusterAgent(settings: settings, store: try EtcdStore(settings: settings, connectTimeout: .seconds(1),
                                                              callTimeout: .seconds(3)),
                     node: Self.node(id), leaseTTL: ttl, logger: Self.logger)
    }

    @Test func theWatchResumesAfterTheStoreComesBackAndMissesNothing() async throws {
        let etcd = try LocalEtcd()
        let direct = try EtcdStore(settings: etcd.settings)
        try #require(await etcd.ready(direct))
        try await direct.put("/berth/networks/before", "0")
        // The agent reaches etcd through a relay the test can cut.
        let proxy = try CuttableProxy(target: etcd.clientPort)
        let settings = ClusterSettings(store: "etcd://127.0.0.1:\(proxy.port)",
                                       endpoints: [.init(host: "127.0.0.1", port: proxy.port)])
        let agent = try agent("a1", settings: settings)
        await agent.start()
        let log = EventLog()
        let events = await agent.subscribe(prefix: "/berth/networks/")
        let reader = Task { for await e in events { await log.add(e) } }
        defer { reader.cancel() }
        #expect(await eventually(10) { await agent.watching })
        #expect(await eventually(5) { await log.contains("put /berth/networks/before 0") })
        try await direct.put("/berth/networks/live", "1")
        #expect(await eventually(5) { await log.contains("put /berth/networks/live 1") })

        // etcd stops and starts again while the agent is cut off; keys change meanwhile.
        etcd.stop()
        #expect(await eventually(10) { await !agent.watching })
        proxy.cut()
        try etcd.start()
        try #require(await etcd.ready(direct))
        try await direct.put("/berth/networks/while-away", "2")
        try await direct.delete("/berth/networks/live")
        try await direct.put("/coreos.com/network/subnets/10.5.1.0-24", "{}")
        try await Task.sleep(for: .milliseconds(500))
        #expect(await !agent.watching)
        #expect(await !log.contains("put /berth/networks/while-away 2"))
        proxy.restore()

        #expect(await eventually(15) { await log.contains("put /berth/networks/while-away 2") })
        #expect(await eventually(5) { await log.contains("delete /berth/networks/live ") })
        #expect(await agent.snapshot(prefix: "/berth/networks/").map(\.key)
                == ["/berth/networks/before", "/berth/networks/while-away"])
        #expect(await agent.snapshot(prefix: "/coreos.com/network/").map(\.key) == ["/coreos.com/network/subnets/10.5.1.0-24"])
        await agent.stop()
    }

    @Test func aCompactedRevisionIsListedAgainAndDiffed() async throws {
        let etcd = try LocalEtcd()
        let direct = try EtcdStore(settings: etcd.settings)
        try #require(await etcd.ready(direct))
        let proxy = try CuttableProxy(target: etcd.clientPort)
        let settings = ClusterSettings(store: "etcd://127.0.0.1:\(proxy.port)",
                                       endpoints: [.init(host: "127.0.0.1", port: proxy.port)])
        let agent = try agent("c1", settings: settings)
        await agent.start()
        let log = EventLog()
        let events = await agent.subscribe(prefix: "/berth/networks/")
        let reader = Task { for await e in events { await log.add(e) } }
        defer { reader.cancel() }
        try await direct.put("/berth/networks/old", "1")
        #expect(await eventually(10) { await log.contains("put /berth/networks/old 1") })

        proxy.cut()
        try await direct.delete("/berth/networks/old")
        try await direct.put("/berth/networks/new", "2")
        try await direct.put("/berth/networks/new", "3")
        let revision = try await direct.list(prefix: "/").revision
        let compact = try await Tool.run("/usr/bin/curl", ["-sS", "http://\(etcd.endpoint)/v3/kv/compaction",
                                                           "-d", #"{"revision":"\#(revision)"}"#])
        #expect(compact.status == 0, "\(compact.stderr)")
        proxy.restore()

        #expect(await eventually(15) { await log.contains("delete /berth/networks/old ") })
        #expect(await log.contains("put /berth/networks/new 3"))
        #expect(await !log.contains("put /berth/networks/new 2"))  // listed after the compaction: only the latest
        #expect(await agent.snapshot(prefix: "/berth/").filter { $0.key.hasPrefix("/berth/networks/") }.map(\.value) == ["3"])
        await agent.stop()
    }

    @Test func nodeRecordsLiveOnLeasesAndExpireWhenNotKeptAlive() async throws {
        let etcd = try LocalEtcd()
        let direct = try EtcdStore(settings: etcd.settings)
        try #require(await etcd.ready(direct))
        let layout = ClusterLayout()
        let first = try agent("n1", settings: etcd.settings, ttl: 2)
        let second = try agent("n2", settings: etcd.settings, ttl: 2)
        await first.start()
        await second.start()
        #expect(await eventually(10) { await second.liveNodes().map(\.id) == ["n1", "n2"] })
        let stored = try #require(try await direct.get(layout.nodeKey(engineID: "n1")))
        #expect(ClusterNodeRecord.parse(stored.value) == Self.node("n1"))
        #expect(stored.lease != 0)
        // Kept alive past several TTLs.
        try await Task.sleep(for: .seconds(3))
        #expect(try await direct.get(layout.nodeKey(engineID: "n1")) != nil)

        // The first agent stops renewing (as a vanished machine would): its record goes within the TTL.
        let stopped = Date()
        await first.stop(revoke: false)
        #expect(await eventually(8) { await second.liveNodes().map(\.id) == ["n2"] })
        let took = Date().timeIntervalSince(stopped)
        #expect(took < 5, "the record went after \(took) s")
        #expect(try await direct.get(layout.nodeKey(engineID: "n1")) == nil)

        // A lease lost under a live agent (revoked here) is granted anew and the record written again.
        let lease = try #require(try await direct.get(layout.nodeKey(engineID: "n2"))?.lease)
        try await direct.revokeLease(lease)
        #expect(await eventually(10) {
            guard let kv = try? await direct.get(layout.nodeKey(engineID: "n2")) else { return false }
            return kv.lease != lease
        })
        await second.stop()
        #expect(try await direct.get(layout.nodeKey(engineID: "n2")) == nil)  // revoked on stop
    }

    @Test func nothingWaitsForAStoreThatIsDown() async throws {
        let settings = ClusterSettings(store: "etcd://127.0.0.1:1", endpoints: [.init(host: "127.0.0.1", port: 1)])
        let agent = try agent("d1", settings: settings)
        let started = Date()
        await agent.start()
        #expect(Date().timeIntervalSince(started) < 0.5)
        #expect(await eventually(5) { await agent.lastError?.contains("etcd://127.0.0.1:1 is unreachable") == true })
        #expect(await !agent.watching)
        #expect(await agent.liveNodes().isEmpty)
        await agent.stop()
    }
}
