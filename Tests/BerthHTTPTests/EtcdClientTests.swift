import BerthCore
@testable import BerthHTTP
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The etcd client against a real etcd (Debian's etcd-server) on loopback, started and ended by the test.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd")))
struct EtcdClientTests {
    /// An etcd of its own: a fresh data directory and client/peer ports on 127.0.0.1; ended by pid.
    final class LocalEtcd {
        let process = Process()
        let dir: String
        let endpoint: String

        init() throws {
            dir = NSTemporaryDirectory() + "berth-etcdtest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let client = Int.random(in: 21000...29000), peer = client + 1
            endpoint = "http://127.0.0.1:\(client)"
            process.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
            process.arguments = ["--name", "berth-test", "--data-dir", dir + "/data",
                                 "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                                 "--listen-peer-urls", "http://127.0.0.1:\(peer)",
                                 "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
                                 "--initial-cluster", "berth-test=http://127.0.0.1:\(peer)"]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
        }

        /// Waits until etcd answers (up to 10 s).
        func ready(_ client: EtcdClient) -> Bool {
            for _ in 0..<100 {
                if (try? client.get("/probe")) != nil || (try? client.list(prefix: "/")) != nil { return true }
                if !process.isRunning { return false }
                usleep(100_000)
            }
            return false
        }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    @Test func keysPrefixesLeasesAndCreateIfAbsentOnARealEtcd() throws {
        let etcd = try LocalEtcd()
        let client = EtcdClient(endpoint: etcd.endpoint)
        try #require(etcd.ready(client), "etcd did not come up at \(etcd.endpoint)")

        let layout = FlannelLayout()
        let config = try FlannelConfig(network: IPv4Network(parsing: "10.5.0.0/16"))
        try client.put(layout.configKey, config.json())
        let stored = try #require(try client.get(layout.configKey))
        #expect(try FlannelConfig.parse(stored) == config)
        #expect(try client.get("/nothing/here") == nil)

        // Two hosts race for the same lease: only one gets it, as flannel's transaction does.
        let subnet = try IPv4Network(parsing: "10.5.7.0/24")
        let lease = try client.grantLease(ttl: 60)
        #expect(lease != 0)
        let a = FlannelLease(publicIP: IPv4Address("10.213.90.2")!, backendType: "host-gw")
        let b = FlannelLease(publicIP: IPv4Address("10.213.90.3")!, backendType: "host-gw")
        #expect(try client.createIfAbsent(layout.leaseKey(subnet), a.json(), lease: lease))
        #expect(try !client.createIfAbsent(layout.leaseKey(subnet), b.json(), lease: lease))
        let leases = try client.list(prefix: layout.subnetsPrefix)
        #expect(leases.count == 1)
        #expect(leases.first.flatMap { layout.subnet(ofLeaseKey: $0.key) } == subnet)
        #expect(leases.first.flatMap { FlannelLease.parse($0.value) } == a)
        #expect(leases.first?.lease == lease)
        // The config is not under the subnets prefix.
        #expect(try client.list(prefix: layout.prefix + "/").count == 2)
        try client.delete(layout.leaseKey(subnet))
        #expect(try client.list(prefix: layout.subnetsPrefix).isEmpty)
    }

    @Test func anUnreachableEtcdIsOneClearError() {
        let client = EtcdClient(endpoint: "http://127.0.0.1:1", timeout: 2)
        #expect {
            try client.put("/k", "v")
        } throws: { error in
            "\(error)".contains("etcd at http://127.0.0.1:1 is unreachable")
        }
    }
}
