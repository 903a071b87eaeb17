import BerthAgent
import BerthCerts
import Foundation
import Logging
import NIOCore

/// An in-process `berthd` on 127.0.0.1 with an ephemeral port and a unix socket in a temp directory, plus
/// the client certificates a test needs, written as files for curl, docker and docker-py.
final class TestAgent {
    let directory: String
    let server: AgentServer
    let port: Int
    let socketPath: String
    let configuration: AgentConfiguration
    /// The store's CA and the client pair signed by it.
    let ca: PEMPair
    let client: PEMPair

    var caFile: String { directory + "/ca.pem" }
    var certFile: String { directory + "/cert.pem" }
    var keyFile: String { directory + "/key.pem" }
    var baseURL: String { "https://127.0.0.1:\(port)" }

    /// Starts the agent; `routes` adds test-only routes to the Engine API table (nil: the real table only).
    init(routes: ((inout Router) -> Void)? = nil, maxBodySize: Int = 64 << 20) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("berthd-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        ca = try CertificateFactory.makeCA(organization: "tester")
        client = try CertificateFactory.makeClient(signedBy: ca, organization: "tester")
        let serverPair = try CertificateFactory.makeServer(signedBy: ca, organization: "tester.agent",
                                                           hosts: ["127.0.0.1", "localhost"])
        for (name, text) in [("ca.pem", ca.certificatePEM), ("cert.pem", client.certificatePEM),
                             ("key.pem", client.privateKeyPEM), ("server.pem", serverPair.certificatePEM),
                             ("server-key.pem", serverPair.privateKeyPEM)] {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }

        socketPath = directory + "/run/berthd.sock"
        configuration = AgentConfiguration(
            host: "127.0.0.1", port: 0,
            tlsCACert: directory + "/ca.pem", tlsCert: directory + "/server.pem",
            tlsKey: directory + "/server-key.pem", unixSocket: socketPath,
            dataRoot: directory + "/data", execRoot: directory + "/run", labels: ["test=1", "zone=lab"],
            logLevel: "debug")
        // BERTH_TEST_LOG=debug shows the agent's log on stderr while debugging a test.
        let level = ProcessInfo.processInfo.environment["BERTH_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
        var logger = Logger(label: "berthd.test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level ?? .critical
        var router: Router?
        if let routes {
            let context = EngineAPI.makeContext(configuration: configuration, logger: logger)
            var table = EngineAPI.makeRouter(context: context)
            routes(&table)
            router = table
        }
        self.server = AgentServer(configuration: configuration, logger: logger, router: router,
                                  maxBodySize: maxBodySize)
        let endpoints = try await self.server.start()
        guard let port = endpoints.tcpPort else { throw TestAgentError.noPort }
        self.port = port
    }

    /// Writes `text` to `name` in the agent's directory and returns the path.
    @discardableResult
    func write(_ text: String, _ name: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// curl over mutual TLS with the test client certificate, plus `arguments`.
    func curl(_ arguments: [String]) async throws -> Tool.Result {
        try await Tool.run("/usr/bin/curl", ["-sS", "--max-time", "20", "--cacert", caFile, "--cert", certFile,
                                             "--key", keyFile] + arguments)
    }

    /// curl over the unix socket, plus `arguments`.
    func curlUnix(_ arguments: [String]) async throws -> Tool.Result {
        try await Tool.run("/usr/bin/curl", ["-sS", "--max-time", "20", "--unix-socket", socketPath] + arguments)
    }

    func stop() async {
        await server.shutdown(gracePeriod: .seconds(2))
        try? FileManager.default.removeItem(atPath: directory)
    }
}

enum TestAgentError: Error {
    case noPort
}
