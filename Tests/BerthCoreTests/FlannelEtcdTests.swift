import BerthCore
import Foundation
import Testing

@Suite struct FlannelLayoutTests {
    let layout = FlannelLayout()

    @Test func leaseKeysAreFlannels() throws {
        let n = try IPv4Network(parsing: "10.1.15.0/24")
        #expect(layout.configKey == "/coreos.com/network/config")
        #expect(layout.leaseKey(n) == "/coreos.com/network/subnets/10.1.15.0-24")
        #expect(layout.subnet(ofLeaseKey: "/coreos.com/network/subnets/10.1.15.0-24") == n)
        #expect(layout.subnet(ofLeaseKey: "/coreos.com/network/subnets/10.1.15.7-24") == nil)
        #expect(layout.subnet(ofLeaseKey: "/coreos.com/network/config") == nil)
        #expect(FlannelLayout(prefix: "/berth/net/").configKey == "/berth/net/config")
    }

    @Test func configDefaultsAndJSONRoundTrip() throws {
        let c = try FlannelConfig.parse(#"{"Network":"10.1.0.0/16","Backend":{"type":"VXLAN","vni":7}}"#)
        #expect(c.subnetLen == 24)
        #expect(c.subnetMin == IPv4Address("10.1.1.0"))
        #expect(c.subnetMax == IPv4Address("10.1.255.0"))
        #expect(c.backend == .init(type: "vxlan", vni: 7, port: 8472))
        #expect(c.subnets.count == 255)
        #expect(try FlannelConfig.parse(c.json()) == c)
        let small = try FlannelConfig(network: IPv4Network(parsing: "10.9.0.0/26"), backend: .init(type: "host-gw"))
        #expect(small.subnetLen == 30 && small.subnets.count == 15)
    }

    @Test func badConfigsSayWhy() {
        #expect(throws: BerthError.self) { try FlannelConfig.parse("nope") }
        #expect(throws: BerthError.self) { try FlannelConfig.parse(#"{"Network":"10.1.0.0/33"}"#) }
        #expect(throws: BerthError.self) { try FlannelConfig.parse(#"{"Network":"10.1.0.0/16","SubnetLen":16}"#) }
        #expect(throws: BerthError.self) { try FlannelConfig.parse(#"{"Network":"10.1.0.0/16","Backend":{"Type":"udp"}}"#) }
        #expect(throws: BerthError.self) {
            try FlannelConfig.parse(#"{"Network":"10.1.0.0/16","SubnetMin":"10.2.0.0","Backend":{"Type":"vxlan"}}"#)
        }
    }

    @Test func aHostKeepsItsLeaseElseTakesAFreeOne() throws {
        let c = try FlannelConfig(network: IPv4Network(parsing: "10.5.0.0/22"), subnetLen: 24)
        let s = c.subnets
        #expect(s.map(\.description) == ["10.5.1.0/24", "10.5.2.0/24", "10.5.3.0/24"])
        #expect(c.chooseLease(taken: [s[0]], previous: s[1]) == s[1])
        #expect(c.chooseLease(taken: [s[1]], previous: s[1], pick: { $0.first }) == s[0])
        #expect(c.chooseLease(taken: Set(s), previous: nil) == nil)
        #expect(c.subnetEnv(lease: s[2], underlayMTU: 1500, ipMasq: true)
                == "FLANNEL_NETWORK=10.5.0.0/22\nFLANNEL_SUBNET=10.5.3.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")
    }

    @Test func leasesReadAsFlannelWritesThem() {
        let l = FlannelLease(publicIP: IPv4Address("10.213.90.2")!, backendType: "vxlan", vtepMAC: "aa:bb:cc:dd:ee:ff", vni: 1)
        #expect(l.json() == #"{"PublicIP":"10.213.90.2","BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"aa:bb:cc:dd:ee:ff"}}"#)
        #expect(FlannelLease.parse(l.json()) == l)
        #expect(FlannelLease.parse(#"{"PublicIP":"10.0.0.1","BackendType":"host-gw"}"#)?.vtepMAC == nil)
    }
}

@Suite struct EtcdGatewayTests {
    @Test func requestsCarryBase64KeysAndValues() {
        #expect(EtcdGateway.put("/a", "b") == .init(path: "/v3/kv/put", body: #"{"key":"L2E=","value":"Yg=="}"#))
        #expect(EtcdGateway.put("/a", "b", lease: 42).body.hasSuffix(#","lease":"42"}"#))
        #expect(EtcdGateway.list(prefix: "/a/").body == #"{"key":"L2Ev","range_end":"L2Ew"}"#)
        #expect(EtcdGateway.rangeEnd(prefix: "ab\u{7f}") == Array("ab".utf8) + [0x80])
        #expect(EtcdGateway.rangeEnd(prefix: "") == [0])
        let txn = EtcdGateway.createIfAbsent("/k", "v")
        #expect(txn.path == "/v3/kv/txn")
        #expect(txn.body == #"{"compare":[{"key":"L2s=","result":"EQUAL","target":"VERSION","version":"0"}],"success":[{"request_put":{"key":"L2s=","value":"dg=="}}]}"#)
    }

    @Test func answersAsEtcdSendsThem() throws {
        let range = #"{"header":{"revision":"12"},"kvs":[{"key":"L2E=","value":"Yg==","mod_revision":"11","lease":"7"},{"key":"L2M="}],"count":"2"}"#
        let r = try EtcdGateway.decodeRange(range)
        #expect(r.revision == 12)
        #expect(r.kvs == [.init(key: "/a", value: "b", modRevision: 11, lease: 7), .init(key: "/c", value: "", modRevision: 0, lease: 0)])
        #expect(try EtcdGateway.decodeRange(#"{"header":{"revision":"3"}}"#).kvs.isEmpty)
        #expect(try EtcdGateway.decodeTxn(#"{"header":{},"succeeded":true}"#))
        #expect(try !EtcdGateway.decodeTxn(#"{"header":{}}"#))
        #expect(try EtcdGateway.decodeLease(#"{"header":{},"ID":"7587862125587372550","TTL":"86400"}"#) == 7587862125587372550)
        #expect(throws: BerthError.self) { try EtcdGateway.decodeRange(#"{"error":"etcdserver: bad","code":3}"#) }
        #expect(throws: BerthError.self) { try EtcdGateway.decodeRange("<html>") }
    }
}
