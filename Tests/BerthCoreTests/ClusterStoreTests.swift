import Foundation
import Testing
@testable import BerthCore

/// The cluster file, dockerd's cluster-store keys, etcd env and `berth etcd ls` rendering.
@Suite struct ClusterStoreTests {
    static let cluster = ClusterRecord(token: "berth-0123456789abc", members: [
        ClusterMember(name: "lab1", ipAddress: "10.213.0.11"), ClusterMember(name: "lab2", ipAddress: "10.213.0.12"),
        ClusterMember(name: "lab3", ipAddress: "10.213.0.13"),
    ], createdAt: Date(timeIntervalSince1970: 1_700_000_000))

    @Test func clusterFileRoundTrips() throws {
        let data = try ClusterStoreTests.cluster.encoded()
        #expect(try ClusterRecord.decode(data) == ClusterStoreTests.cluster)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"ConfigVersion\" : 1"))
        #expect(text.contains("\"IPAddress\" : \"10.213.0.11\""))
    }

    @Test func newerClusterFileIsRefused() throws {
        let text = #"{"ConfigVersion":2,"Token":"t","Members":[],"CreatedAt":"2023-11-14T22:13:20Z"}"#
        #expect(throws: BerthError.self) { try ClusterRecord.decode(Data(text.utf8)) }
    }

    @Test func endpointsAndInitialCluster() {
        let c = ClusterStoreTests.cluster
        #expect(c.clusterStore == "etcd://10.213.0.11:2379,10.213.0.12:2379,10.213.0.13:2379")
        #expect(c.initialCluster == "lab1=https://10.213.0.11:2380,lab2=https://10.213.0.12:2380,lab3=https://10.213.0.13:2380")
        #expect(c.clientURLs == ["https://10.213.0.11:2379", "https://10.213.0.12:2379", "https://10.213.0.13:2379"])
        #expect(c.member(named: "lab2")?.ipAddress == "10.213.0.12")
        #expect(c.member(named: "lab4") == nil)
    }

    @Test(arguments: [1, 3, 5, 7])
    func oddMemberCountsAreAccepted(n: Int) throws { try ClusterRecord.checkMemberCount(n) }

    @Test(arguments: [0, 2, 4])
    func evenMemberCountsAreRefused(n: Int) {
        #expect(throws: BerthError.self) { try ClusterRecord.checkMemberCount(n) }
    }

    @Test func berthClusterSettings() {
        let s = ClusterStoreSettings.berthCluster(ClusterStoreTests.cluster, advertise: "10.213.0.11:2376",
                                                  certDir: "/etc/berth/etcd")
        #expect(s.store == "etcd://10.213.0.11:2379,10.213.0.12:2379,10.213.0.13:2379")
        #expect(s.advertise == "10.213.0.11:2376")
        #expect(s.options == ["kv.cacertfile": "/etc/berth/etcd/ca.pem", "kv.certfile": "/etc/berth/etcd/client.pem",
                              "kv.keyfile": "/etc/berth/etcd/client-key.pem"])
    }

    @Test func engineOptionsGiveDockerMachinesKeys() throws {
        let s = try ClusterStoreSettings.parse(engineOptions: [
            "cluster-store=etcd://10.0.0.5:2379", "cluster-advertise=eth0:2376", "debug=true",
            "cluster-store-opt=kv.cacertfile=/etc/ssl/etcd-ca.pem", "cluster-store-opt=kv.certfile=/etc/ssl/c.pem",
        ])
        #expect(s == ClusterStoreSettings(store: "etcd://10.0.0.5:2379", advertise: "eth0:2376",
                                          options: ["kv.cacertfile": "/etc/ssl/etcd-ca.pem", "kv.certfile": "/etc/ssl/c.pem"]))
        #expect(try ClusterStoreSettings.parse(engineOptions: ["debug=true"]) == nil)
        #expect(try ClusterStoreSettings.parse(engineOptions: []) == nil)
    }

    @Test(arguments: [
        ["cluster-store=consul://10.0.0.5:8500"], ["cluster-store=etcd://10.0.0.5"], ["cluster-store=etcd://"],
        ["cluster-store=etcd://a:1,"], ["cluster-store=etcd://a:1", "cluster-advertise=eth0"],
        ["cluster-store=etcd://a:1", "cluster-store-opt=kv.path=/x"], ["cluster-store=etcd://a:1", "cluster-store-opt=kv.certfile="],
        ["cluster-advertise=eth0:2376"],
    ])
    func badEngineOptionsAreOneClearError(options: [String]) {
        #expect(throws: BerthError.self) { try ClusterStoreSettings.parse(engineOptions: options) }
    }

    @Test func etcdEnvForBash() {
        let vars = ShellEnv.etcdVariables(endpoints: ClusterStoreTests.cluster.clientURLs, caCert: "/s/etcd/ca.pem",
                                          cert: "/s/etcd/client.pem", key: "/s/etcd/client-key.pem")
        let out = ShellEnv(shell: .bash, commandLine: ["berth", "etcd", "env"]).render(setting: vars)
        #expect(out == """
            export ETCDCTL_API="3"
            export ETCDCTL_ENDPOINTS="https://10.213.0.11:2379,https://10.213.0.12:2379,https://10.213.0.13:2379"
            export ETCDCTL_CACERT="/s/etcd/ca.pem"
            export ETCDCTL_CERT="/s/etcd/client.pem"
            export ETCDCTL_KEY="/s/etcd/client-key.pem"
            # Run this command to configure your shell: \n# eval $(berth etcd env)

            """)
    }

    @Test func etcdEnvUnsetForFish() {
        let out = ShellEnv(shell: .fish, commandLine: ["berth", "etcd", "env", "-u"]).render(unsetting: ShellEnv.etcdVariableNames)
        #expect(out == """
            set -e ETCDCTL_API;
            set -e ETCDCTL_ENDPOINTS;
            set -e ETCDCTL_CACERT;
            set -e ETCDCTL_CERT;
            set -e ETCDCTL_KEY;
            # Run this command to configure your shell: \n# eval (berth etcd env -u)

            """)
    }

    @Test func gatewayStatusAndMembersDecode() throws {
        let status = #"""
            {"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"5","raft_term":"2"},
             "version":"3.4.23","dbSize":"20480","leader":"10276657743932975437","raftIndex":"9","raftTerm":"2",
             "raftAppliedIndex":"9","dbSizeInUse":"20480"}
            """#
        #expect(try EtcdGateway.decodeStatus(status) == EtcdGateway.Status(
            memberID: 10_276_657_743_932_975_437, leader: 10_276_657_743_932_975_437, dbSize: 20480, version: "3.4.23",
            raftTerm: 2))
        let members = #"""
            {"header":{"member_id":"1"},"members":[{"ID":"10276657743932975437","name":"lab1",
             "peerURLs":["https://10.213.0.11:2380"],"clientURLs":["https://10.213.0.11:2379"]},
             {"ID":"42","peerURLs":["https://10.213.0.12:2380"]}]}
            """#
        let m = try EtcdGateway.decodeMembers(members)
        #expect(m.count == 2)
        #expect(m[0] == EtcdGateway.Member(id: 10_276_657_743_932_975_437, name: "lab1",
                                          peerURLs: ["https://10.213.0.11:2380"], clientURLs: ["https://10.213.0.11:2379"]))
        #expect(m[1].name == "" && m[1].clientURLs.isEmpty)
        #expect(EtcdGateway.status().path == "/v3/maintenance/status")
        #expect(EtcdGateway.memberList().path == "/v3/cluster/member/list")
    }

    @Test func listingShowsHealthLeaderAndSize() {
        let s1 = EtcdGateway.Status(memberID: 1, leader: 2, dbSize: 20480, version: "3.4.23", raftTerm: 2)
        let s2 = EtcdGateway.Status(memberID: 2, leader: 2, dbSize: 1_200_000, version: "3.4.23", raftTerm: 2)
        let listing = ClusterListing(rows: [
            .init(name: "lab1", endpoint: "https://10.213.0.11:2379", status: s1),
            .init(name: "lab2", endpoint: "https://10.213.0.12:2379", status: s2),
            .init(name: "lab3", endpoint: "https://10.213.0.13:2379", status: nil, error: "connection refused"),
        ])
        #expect(listing.leaderID == 2)
        #expect(!listing.allHealthy)
        #expect(listing.render() == """
            NAME   ENDPOINT                   HEALTH        LEADER   DB SIZE   VERSION   ERRORS
            lab1   https://10.213.0.11:2379   healthy       -        20 kB     v3.4.23   
            lab2   https://10.213.0.12:2379   healthy       *        1.2 MB    v3.4.23   
            lab3   https://10.213.0.13:2379   unreachable   -        Unknown   Unknown   connection refused

            """)
    }

    @Test(arguments: [(Int64(0), "0 B"), (9, "9 B"), (10, "10 B"), (999, "999 B"), (1000, "1.0 kB"), (20480, "20 kB"),
                      (1_200_000, "1.2 MB"), (25_165_824, "25 MB")])
    func sizesAsEtcdctlPrintsThem(n: Int64, text: String) {
        #expect(ClusterListing.bytes(n) == text)
    }
}
