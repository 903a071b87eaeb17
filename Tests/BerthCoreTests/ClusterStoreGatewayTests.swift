import BerthCore
import Foundation
import Testing

@Suite struct EtcdGatewayWatchTests {
    @Test func watchRequestHoldsOneNumberedWatcherPerRange() {
        let r = EtcdGateway.watch([.init(prefix: "/berth/", startRevision: 12), .init(prefix: "/x/", startRevision: 0)])
        #expect(r.path == "/v3/watch")
        #expect(r.body == #"{"create_request":{"key":"L2JlcnRoLw==","range_end":"L2JlcnRoMA==","start_revision":"12","watch_id":"1"}}"#
                + "\n" + #"{"create_request":{"key":"L3gv","range_end":"L3gw","watch_id":"2"}}"#)
    }

    @Test func watchMessagesAsEtcdStreamsThem() throws {
        let header = #""header":{"cluster_id":"1","member_id":"2","revision":"7","raft_term":"2"}"#
        #expect(try EtcdGateway.decodeWatch(#"{"result":{\#(header),"created":true}}"#) == .created(watchID: 0, revision: 7))
        #expect(try EtcdGateway.decodeWatch(#"{"result":{\#(header),"watch_id":"2","created":true}}"#)
                == .created(watchID: 2, revision: 7))
        let put = #"{"result":{\#(header),"watch_id":"1","events":[{"kv":{"key":"L2EvYg==","create_revision":"7","mod_revision":"7","version":"1","value":"dg==","lease":"99"}}]}}"#
        #expect(try EtcdGateway.decodeWatch(put)
                == .events(watchID: 1, [.init(kind: .put, key: "/a/b", value: "v", revision: 7, lease: 99)]))
        let delete = #"{"result":{\#(header),"events":[{"type":"DELETE","kv":{"key":"L2EvYw==","mod_revision":"6"}}]}}"#
        #expect(try EtcdGateway.decodeWatch(delete) == .events(watchID: 0, [.init(kind: .delete, key: "/a/c", revision: 6)]))
        let compacted = #"{"result":{"header":{"raft_term":"2"},"watch_id":"1","canceled":true,"compact_revision":"5"}}"#
        #expect(try EtcdGateway.decodeWatch(compacted) == .compacted(watchID: 1, compactRevision: 5))
        #expect(try EtcdGateway.decodeWatch(#"{"result":{\#(header),"canceled":true,"cancel_reason":"x"}}"#)
                == .canceled(watchID: 0, reason: "x"))
        #expect(try EtcdGateway.decodeWatch(#"{"result":{\#(header)}}"#) == .progress(watchID: 0, revision: 7))
        #expect(throws: BerthError.self) {
            try EtcdGateway.decodeWatch(#"{"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader"}}"#)
        }
        #expect(throws: BerthError.self) { try EtcdGateway.decodeWatch(#"{"header":{}}"#) }
    }

    @Test func linesComeWholeHoweverTheChunksFall() {
        var splitter = EtcdGateway.LineSplitter()
        #expect(splitter.feed(Array(#"{"a":"#.utf8)).isEmpty)
        #expect(splitter.buffered == 5)
        #expect(splitter.feed(Array("1}\n{\"b\"".utf8)) == [#"{"a":1}"#])
        #expect(splitter.feed(Array(":2}\n\n{\"c\":3}\n".utf8)) == [#"{"b":2}"#, #"{"c":3}"#])
        #expect(splitter.buffered == 0)
        // A multi-byte character cut between chunks survives.
        let bytes = Array("{\"é\":1}\n".utf8)
        #expect(splitter.feed(bytes[..<3]).isEmpty)
        #expect(splitter.feed(bytes[3...]) == ["{\"é\":1}"])
    }

    @Test func leaseRevokeKeepAliveAndPrefixDelete() throws {
        #expect(EtcdGateway.revokeLease(42) == .init(path: "/v3/lease/revoke", body: #"{"ID":"42"}"#))
        #expect(EtcdGateway.delete(prefix: "/a/") == .init(path: "/v3/kv/deleterange", body: #"{"key":"L2Ev","range_end":"L2Ew"}"#))
        #expect(try EtcdGateway.decodeKeepAlive(#"{"result":{"header":{"revision":"2"},"ID":"5","TTL":"15"}}"#) == 15)
        // A lease that is gone: etcd answers with its ID alone.
        #expect(try EtcdGateway.decodeKeepAlive(#"{"result":{"header":{"revision":"2"},"ID":"12345"}}"#) == 0)
        #expect(try EtcdGateway.decodeKeepAlive(#"{"result":{"ID":"5","TTL":"9"}}"# + "\n") == 9)
        #expect(try EtcdGateway.decodeRevision(#"{"header":{"revision":"31"}}"#) == 31)
    }
}

@Suite struct ClusterLayoutTests {
    let layout = ClusterLayout()

    @Test func keysLiveUnderBerthBesideFlannels() {
        #expect(layout.nodeKey(engineID: "abc") == "/berth/nodes/abc")
        #expect(layout.networkKey(id: "n1") == "/berth/networks/n1")
        #expect(layout.engineID(ofNodeKey: "/berth/nodes/abc") == "abc")
        #expect(layout.engineID(ofNodeKey: "/berth/nodes/") == nil)
        #expect(layout.engineID(ofNodeKey: "/berth/nodes/a/b") == nil)
        #expect(layout.engineID(ofNodeKey: "/berth/networks/abc") == nil)
        #expect(layout.networkID(ofNetworkKey: "/berth/networks/n1") == "n1")
        #expect(layout.watchedPrefixes == ["/berth/", "/coreos.com/network/"])
        #expect(layout.isWatched("/coreos.com/network/subnets/10.1.15.0-24"))
        #expect(layout.isWatched("/berth/nodes/x"))
        #expect(!layout.isWatched("/berthx"))
        #expect(!layout.isWatched("/registry/pods"))
        #expect(ClusterLayout(prefix: "/lab/").nodeKey(engineID: "e") == "/lab/nodes/e")
    }

    @Test func nodeRecordsRoundTrip() {
        let record = ClusterNodeRecord(id: "e1", name: "lab1", address: "10.213.0.11:2376", version: "0.3.0",
                                       startedAt: "2026-12-03T08:00:00Z")
        #expect(record.json() == #"{"Addr":"10.213.0.11:2376","ID":"e1","Name":"lab1","StartedAt":"2026-12-03T08:00:00Z","Version":"0.3.0"}"#)
        #expect(ClusterNodeRecord.parse(record.json()) == record)
        #expect(ClusterNodeRecord.parse("{}") == nil)
        #expect(ClusterNodeRecord.parse("nope") == nil)
    }
}
