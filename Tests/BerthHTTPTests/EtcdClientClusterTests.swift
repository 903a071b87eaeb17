import BerthCore
@testable import BerthHTTP
import Foundation
import Testing

/// `berth etcd ls`'s two requests against a real etcd (Debian's etcd-server) on loopback.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd")))
struct EtcdClientClusterTests {
    @Test func statusAndMemberListOfARealEtcd() throws {
        let etcd = try EtcdClientTests.LocalEtcd()
        let client = EtcdClient(endpoint: etcd.endpoint)
        try #require(etcd.ready(client), "etcd did not come up at \(etcd.endpoint)")
        let status = try client.status()
        #expect(status.version.hasPrefix("3."))
        #expect(status.memberID != 0 && status.leader == status.memberID, "a single member leads itself")
        #expect(status.dbSize > 0)
        let members = try client.members()
        #expect(members.count == 1)
        #expect(members.first?.name == "berth-test")
        #expect(members.first?.id == status.memberID)
        #expect(members.first?.clientURLs == [etcd.endpoint])
    }
}
