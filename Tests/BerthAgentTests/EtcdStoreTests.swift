import BerthAgent
import BerthCore
import Foundation
import Testing

/// The agent's etcd client (SwiftNIO, the v3 JSON gateway) against a real etcd on loopback, plain and with TLS.
@Suite("EtcdStore on a real etcd", .serialized, .enabled(if: LocalEtcd.available))
struct EtcdStoreTests {
    /// Keys, prefixes, the create-if-absent transaction and leases, on any store.
    private func exercise(_ store: EtcdStore) async throws {
        try await store.put("/t/a", "1")
        try await store.put("/t/b", "2")
        try await store.put("/u/c", "3")
        #expect(try await store.get("/t/a")?.value == "1")
        #expect(try await store.get("/t/none") == nil)
        let listing = try await store.list(prefix: "/t/")
        #expect(listing.kvs.map(\.key) == ["/t/a", "/t/b"])
        #expect(listing.revision >= 3)
        #expect(try await store.createIfAbsent("/t/new", "x"))
        #expect(try await !store.createIfAbsent("/t/new", "y"))
        #expect(try await store.get("/t/new")?.value == "x")
        try await store.delete("/t/new")
        #expect(try await store.get("/t/new") == nil)

        let lease = try await store.grantLease(ttl: 30)
        #expect(lease != 0)
        try await store.put("/t/leased", "v", lease: lease)
        #expect(try await store.get("/t/leased")?.lease == lease)
        let ttl = try await store.keepAlive(lease: lease)
        #expect(ttl > 25 && ttl <= 30)
        try await store.revokeLease(lease)
        #expect(try await store.get("/t/leased") == nil)
        #expect(try await store.keepAlive(lease: lease) == 0)  // gone: TTL 0
        try await store.revokeLease(lease)  // revoking twice is not an error
    }

    @Test func keysTransactionsAndLeasesOverPlainHTTP() async throws {
        let etcd = try LocalEtcd()
        let store = try EtcdStore(settings: etcd.settings)
        try #require(await etcd.ready(store), "etcd did not come up")
        try await exercise(store)
    }

    @Test func keysTransactionsAndLeasesOverTLSWithAClientCertificate() async throws {
        let etcd = try LocalEtcd(tls: true)
        let store = try EtcdStore(settings: etcd.settings)
        try #require(await etcd.ready(store), "etcd did not come up with TLS: \(etcd.lastError)\n\(etcd.log.suffix(1500))")
        try await exercise(store)
        // Without a client certificate the store refuses the handshake.
        var anonymous = etcd.settings
        anonymous.tls = .init(caFile: etcd.caFile)
        let refused = try EtcdStore(settings: anonymous, callTimeout: .seconds(5))
        await #expect(throws: ClusterStoreError.self) { try await refused.get("/t/a") }
    }

    @Test func badCertificateFilesAreAConfigurationError() throws {
        let settings = ClusterSettings(store: "etcd://127.0.0.1:1", endpoints: [.init(host: "127.0.0.1", port: 1)],
                                       tls: .init(caFile: "/nonexistent/ca.pem"))
        #expect {
            _ = try EtcdStore(settings: settings)
        } throws: { error in
            "\(error)".hasPrefix("invalid configuration: cluster-store-opts: kv.cacertfile /nonexistent/ca.pem")
        }
    }

    @Test func theWatchSeesPutsAndDeletesInOrder() async throws {
        let etcd = try LocalEtcd()
        let store = try EtcdStore(settings: etcd.settings)
        try #require(await etcd.ready(store))
        let start = try await store.list(prefix: "/w/").revision + 1
        let watch = store.watch([.init(prefix: "/w/", startRevision: start), .init(prefix: "/x/", startRevision: start)])
        let writer = Task {
            try await Task.sleep(for: .milliseconds(300))
            try await store.put("/w/a", "1")
            try await store.put("/x/b", "2")
            try await store.put("/elsewhere", "3")
            try await store.delete("/w/a")
        }
        var seen: [String] = []
        var created: Set<Int64> = []
        for try await message in watch {
            switch message {
            case .created(let id, _): created.insert(id)
            case .events(let id, let events):
                seen += events.map { "\(id) \($0.kind) \($0.key) \($0.value)" }
            default: break
            }
            if seen.count == 3 { break }
        }
        try await writer.value
        #expect(created == [1, 2])
        #expect(seen.sorted() == ["1 delete /w/a ", "1 put /w/a 1", "2 put /x/b 2"].sorted())
        #expect(seen.filter { $0.hasPrefix("1 ") } == ["1 put /w/a 1", "1 delete /w/a "])
    }

    @Test func theNextEndpointIsTriedWhenOneRefuses() async throws {
        let etcd = try LocalEtcd()
        var settings = etcd.settings
        settings.endpoints.insert(.init(host: "127.0.0.1", port: 1), at: 0)
        let store = try EtcdStore(settings: settings)
        try #require(await etcd.ready(store))
        try await store.put("/f/a", "1")
        #expect(try await store.get("/f/a")?.value == "1")
    }

    @Test func anUnreachableStoreIsOneLineNamingIt() async throws {
        let settings = ClusterSettings(store: "etcd://127.0.0.1:1,127.0.0.1:2",
                                       endpoints: [.init(host: "127.0.0.1", port: 1), .init(host: "127.0.0.1", port: 2)])
        let store = try EtcdStore(settings: settings)
        await #expect {
            try await store.put("/k", "v")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("cluster store etcd://127.0.0.1:1,127.0.0.1:2 is unreachable: 127.0.0.1:1: ")
                && text.contains("127.0.0.1:2: ") && !text.contains("\n")
        }
    }
}
