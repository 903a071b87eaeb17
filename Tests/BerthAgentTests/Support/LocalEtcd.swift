import BerthAgent
import BerthCerts
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An etcd of a test's own (Debian's /usr/bin/etcd): a fresh data directory, client and peer ports on 127.0.0.1,
/// optionally TLS with client certificates required (from BerthCerts). Stopped and started again on the same
/// data and ports; ended by pid and its directory removed when released.
final class LocalEtcd: @unchecked Sendable {
    static let binary = "/usr/bin/etcd"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let directory: String
    let clientPort: Int
    let tls: Bool
    private var process: Process?
    /// Why the last readiness probe failed (for test messages), and etcd's own log.
    private(set) var lastError = ""
    var log: String { (try? String(contentsOfFile: directory + "/etcd.log", encoding: .utf8)) ?? "" }

    var endpoint: String { "127.0.0.1:\(clientPort)" }
    var clusterStore: String { "etcd://\(endpoint)" }
    var caFile: String { directory + "/ca.pem" }
    var clientCertFile: String { directory + "/client.pem" }
    var clientKeyFile: String { directory + "/client-key.pem" }

    /// The agent's settings for this etcd (with the client certificate when TLS).
    var settings: ClusterSettings {
        ClusterSettings(store: clusterStore, endpoints: [.init(host: "127.0.0.1", port: clientPort)],
                        tls: tls ? .init(caFile: caFile, certFile: clientCertFile, keyFile: clientKeyFile) : nil)
    }

    /// The `cluster-store*` keys of a berthd.json for this etcd.
    var configurationKeys: String {
        var keys = #""cluster-store": "\#(clusterStore)""#
        if tls {
            keys += #", "cluster-store-opts": {"kv.cacertfile": "\#(caFile)", "kv.certfile": "\#(clientCertFile)", "kv.keyfile": "\#(clientKeyFile)"}"#
        }
        return keys
    }

    init(tls: Bool = false) throws {
        self.tls = tls
        directory = NSTemporaryDirectory() + "berth-etcdagent-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        clientPort = Self.freePortPair()
        if tls {
            let ca = try CertificateFactory.makeCA(organization: "berth-etcd-test")
            let client = try CertificateFactory.makeClient(signedBy: ca, organization: "berth-etcd-test")
            for (name, text) in [("ca.pem", ca.certificatePEM), ("ca-key.pem", ca.privateKeyPEM),
                                 ("client.pem", client.certificatePEM), ("client-key.pem", client.privateKeyPEM)] {
                try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            }
            try issueMemberCertificate()
        }
        try start()
    }

    /// etcd's own certificate, signed by the BerthCerts CA with openssl: etcd's in-process gateway dials the member
    /// with it, so with client certificates required it needs clientAuth beside serverAuth (BerthCerts' server
    /// certificates carry serverAuth only).
    private func issueMemberCertificate() throws {
        let d = directory
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            .write(toFile: d + "/member.ext", atomically: true, encoding: .utf8)
        for arguments in [["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                           "-keyout", d + "/server-key.pem", "-subj", "/CN=127.0.0.1", "-out", d + "/server.csr"],
                          ["x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca-key.pem",
                           "-CAcreateserial", "-days", "2", "-extfile", d + "/member.ext", "-out", d + "/server.pem"]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = arguments
            p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            p.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw POSIXError(.EINVAL) }
        }
    }

    /// Starts etcd (again) on the same data directory and ports.
    func start() throws {
        guard process == nil else { return }
        let scheme = tls ? "https" : "http"
        let client = "\(scheme)://127.0.0.1:\(clientPort)"
        let peer = "http://127.0.0.1:\(clientPort + 1)"
        var arguments = ["--name", "berth-test", "--data-dir", directory + "/data",
                         "--listen-client-urls", client, "--advertise-client-urls", client,
                         "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                         "--initial-cluster", "berth-test=\(peer)"]
        if tls {
            arguments += ["--cert-file", directory + "/server.pem", "--key-file", directory + "/server-key.pem",
                          "--trusted-ca-file", caFile, "--client-cert-auth"]
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = arguments
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        _ = FileManager.default.createFile(atPath: directory + "/etcd.log", contents: nil)
        p.standardError = FileHandle(forWritingAtPath: directory + "/etcd.log")
        try p.run()
        process = p
    }

    /// Stops etcd (SIGTERM, then waits), keeping its data.
    func stop() {
        guard let p = process else { return }
        if p.isRunning {
            kill(p.processIdentifier, SIGTERM)
            p.waitUntilExit()
        }
        process = nil
    }

    /// Waits until etcd answers a range request through `store` (up to 15 s).
    func ready(_ store: any ClusterStore) async -> Bool {
        for _ in 0..<150 {
            do {
                _ = try await store.list(prefix: "/probe")
                return true
            } catch {
                lastError = "\(error)"
            }
            if process?.isRunning != true { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A client port whose port + 1 is free too (peer), both checked by binding.
    private static func freePortPair() -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 30000...39000)
            if canBind(port), canBind(port + 1) { return port }
        }
        return Int.random(in: 30000...39000)
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    deinit {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
