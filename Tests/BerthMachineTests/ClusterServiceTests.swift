import BerthCore
import BerthLinux
@testable import BerthMachine
import Foundation
import GenericDriver
import Testing

/// An etcd probe that answers like a healthy member (or never answers).
struct FakeEtcdProbe: EtcdProbe {
    var healthy = true
    var memberCount = 1
    func status(endpoint: String, tls: ClientTLSFiles, timeout: Double) throws -> EtcdGateway.Status {
        guard healthy else { throw BerthError.failed("etcd at \(endpoint) is unreachable: connection refused") }
        return EtcdGateway.Status(memberID: 7, leader: 7, dbSize: 20480, version: "3.4.23", raftTerm: 2)
    }
    func members(endpoint: String, tls: ClientTLSFiles, timeout: Double) throws -> [EtcdGateway.Member] {
        (0..<memberCount).map { EtcdGateway.Member(id: UInt64($0 + 7), name: "m\($0)", peerURLs: [], clientURLs: []) }
    }
}

@Suite("berth etcd with fake SSH")
struct ClusterServiceTests {
    let drivers = DriverRegistry([GenericDriverFactory(reach: { _, _ in })])

    func request(_ name: String, ip: String, options: [String] = []) -> CreateRequest {
        CreateRequest(name: name, driverName: "generic", options: DriverOptions(["generic-ip-address": ip]),
                      engine: EngineOptions(options: options))
    }

    /// A store with one machine, a fake etcd binary and a shell whose /usr/bin/etcd is that binary.
    func setUp(_ box: Sandbox, probe: FakeEtcdProbe = FakeEtcdProbe()) throws -> (ClusterService, FakeShell) {
        let etcd = box.root + "/etcd"
        FileManager.default.createFile(atPath: etcd, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        let digest = try SHA256Digest.hex(file: etcd)
        let shell = FakeShell.debian()
        shell.answers.append(("sha256sum /usr/bin/etcd", CommandResult(exitStatus: 0, stdout: Data("\(digest)  /usr/bin/etcd\n".utf8))))
        let svc = try box.service(shell: { shell }, drivers: drivers)
        _ = try svc.create(request("m1", ip: "127.0.2.21"), say: { _ in })
        return (ClusterService(machines: svc, probe: probe, etcdBinary: etcd), shell)
    }

    @Test func createRunsAMemberRecordsTheClusterAndPointsAgents() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (cluster, shell) = try setUp(box)
        let c = try cluster.create(["m1"], say: { _ in })
        #expect(c.clusterStore == "etcd://127.0.2.21:2379")
        #expect(try cluster.machines.store.loadCluster() == c)
        #expect(shell.files["/etc/berth/etcd/member.pem"] != nil)
        #expect(shell.files["/etc/berth/etcd/member-key.pem"] != nil)
        #expect(shell.files["/usr/local/bin/berth-etcd"] == nil, "the host's own etcd is the controller's")
        let conf = String(decoding: shell.files["/etc/berth/etcd/etcd.conf.yml"] ?? Data(), as: UTF8.self)
        #expect(conf.contains("initial-cluster: m1=https://127.0.2.21:2380"))
        #expect(shell.commands.contains { $0.hasSuffix("berth-etcd-ctl start") })
        let agent = String(decoding: shell.files["/etc/berth/berthd.json"] ?? Data(), as: UTF8.self)
        #expect(agent.contains(#""cluster-store": "etcd://127.0.2.21:2379""#))
        #expect(agent.contains(#""cluster-advertise": "127.0.2.21:2376""#))
        #expect(shell.files["/etc/berth/etcd/client-key.pem"] != nil)
    }

    @Test func machinesCreatedLaterArePointedAtTheCluster() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (cluster, shell) = try setUp(box)
        _ = try cluster.create(["m1"], say: { _ in })
        _ = try cluster.machines.create(request("m2", ip: "127.0.2.22"), say: { _ in })
        let agent = String(decoding: shell.files["/etc/berth/berthd.json"] ?? Data(), as: UTF8.self)
        #expect(agent.contains(#""cluster-advertise": "127.0.2.22:2376""#))
        #expect(agent.contains(#""cluster-store": "etcd://127.0.2.21:2379""#))
    }

    @Test func engineOptionsPointAMachineAtTheUsersEtcd() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let shell = FakeShell.debian()
        let svc = try box.service(shell: { shell }, drivers: drivers)
        _ = try svc.create(request("m3", ip: "127.0.2.23", options: [
            "cluster-store=etcd://10.9.0.5:2379", "cluster-advertise=eth0:2376", "cluster-store-opt=kv.cacertfile=/x/ca.pem",
        ]), say: { _ in })
        let agent = String(decoding: shell.files["/etc/berth/berthd.json"] ?? Data(), as: UTF8.self)
        #expect(agent.contains(#""cluster-store": "etcd://10.9.0.5:2379""#))
        #expect(agent.contains(#""cluster-advertise": "eth0:2376""#))
        #expect(agent.contains(#""cluster-store-opts": {"kv.cacertfile":"/x/ca.pem"}"#))
        #expect(throws: BerthError.self) {
            try svc.create(self.request("m4", ip: "127.0.2.24", options: ["cluster-store=consul://x:1"]), say: { _ in })
        }
        #expect(!svc.store.exists("m4"))
    }

    @Test func badInputIsRefusedBeforeAnythingIsMade() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (cluster, shell) = try setUp(box)
        let before = shell.commands.count
        #expect(throws: BerthError.self) { try cluster.create(["m1", "m1"], say: { _ in }) }
        #expect(throws: BerthError.self) { try cluster.create(["m1", "nope"], say: { _ in }) }
        #expect(throws: BerthError.self) { try cluster.create(["nope"], say: { _ in }) }
        #expect(throws: BerthError.self) { try cluster.create([], say: { _ in }) }
        #expect(shell.commands.count == before)
        #expect(!FileManager.default.fileExists(atPath: cluster.machines.store.layout.etcdDir))
        _ = try cluster.create(["m1"], say: { _ in })
        #expect(throws: BerthError.self) { try cluster.create(["m1"], say: { _ in }) }
    }

    @Test func membersThatNeverFormAClusterAreRemoved() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (cluster, shell) = try setUp(box, probe: FakeEtcdProbe(healthy: false))
        cluster.healthTimeout = 1
        #expect(throws: BerthError.self) { try cluster.create(["m1"], say: { _ in }) }
        #expect(try cluster.machines.store.loadCluster() == nil)
        #expect(!FileManager.default.fileExists(atPath: cluster.machines.store.layout.etcdDir))
        #expect(shell.commands.contains { $0.contains("rm -rf /var/lib/berth/etcd /etc/berth/etcd") })
    }

    @Test func removeForgetsTheClusterAndUnpointsAgents() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (cluster, shell) = try setUp(box)
        _ = try cluster.create(["m1"], say: { _ in })
        try cluster.remove(force: false, say: { _ in })
        #expect(try cluster.machines.store.loadCluster() == nil)
        #expect(!FileManager.default.fileExists(atPath: cluster.machines.store.layout.etcdDir))
        let agent = String(decoding: shell.files["/etc/berth/berthd.json"] ?? Data(), as: UTF8.self)
        #expect(!agent.contains("cluster"))
        #expect(throws: BerthError.self) { try cluster.remove(force: false, say: { _ in }) }
    }

    @Test func forcedRemoveSweepsWhatAKilledCreateLeft() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let (cluster, shell) = try setUp(box)
        let dir = cluster.machines.store.layout.etcdDir
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(throws: BerthError.self) { try cluster.create(["m1"], say: { _ in }) }
        #expect(throws: BerthError.self) { try cluster.remove(force: false, say: { _ in }) }
        try cluster.remove(force: true, say: { _ in })
        #expect(!FileManager.default.fileExists(atPath: dir))
        #expect(shell.commands.contains { $0.contains("rm -rf /var/lib/berth/etcd /etc/berth/etcd") })
        _ = try cluster.create(["m1"], say: { _ in })
    }
}
