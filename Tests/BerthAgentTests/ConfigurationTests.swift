import BerthAgent
import Foundation
import Testing

@Suite("AgentConfiguration")
struct ConfigurationTests {
    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berthd-\(UUID()).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func missingKeysTakeDefaults() throws {
        let path = try file(#"{"port": 12376, "labels": ["a=b"]}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try AgentConfiguration.load(contentsOf: path)
        #expect(configuration.port == 12376)
        #expect(configuration.labels == ["a=b"])
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.unixSocket == "/run/berth/berthd.sock")
        #expect(configuration.dataRoot == "/var/lib/berth")
        #expect(configuration.execRoot == "/run/berth")
        #expect(configuration.tcp)
        #expect(configuration.logLevel == "info")
    }

    @Test func roundTripsThroughJSON() throws {
        let configuration = AgentConfiguration(port: 1, labels: ["x=y"], hostname: "h", logLevel: "debug")
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(AgentConfiguration.self, from: data) == configuration)
        let keys = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(Set(keys?.keys ?? [:].keys) == ["host", "port", "tcp", "tlsCACert", "tlsCert", "tlsKey", "unixSocket",
                                                "dataRoot", "execRoot", "labels", "hostname", "logLevel",
                                                "registry-mirrors", "insecure-registries", "certs-directories"])
    }

    @Test func flagsOverrideTheFile() throws {
        let path = try file(#"{"port": 1000, "host": "10.0.0.1", "labels": ["a=b"]}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try AgentConfiguration.resolve(
            file: path, overrides: .init(port: 2000, dataRoot: "/srv/berth", labels: ["c=d", "e=f"]))
        #expect(configuration.port == 2000)
        #expect(configuration.host == "10.0.0.1")
        #expect(configuration.dataRoot == "/srv/berth")
        #expect(configuration.labels == ["c=d", "e=f"])
    }

    @Test func errorsAreOneClearLine() throws {
        let missing = "/nonexistent/berthd.json"
        #expect(throws: AgentConfigurationError.unreadable(path: missing, reason: "No such file or directory")) {
            try AgentConfiguration.load(contentsOf: missing)
        }
        let malformed = try file(#"{"port": "many"}"#)
        defer { try? FileManager.default.removeItem(atPath: malformed) }
        do {
            _ = try AgentConfiguration.load(contentsOf: malformed)
            Issue.record("accepted a string port")
        } catch {
            #expect("\(error)".contains("port"))
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test func storageDriverIsOverlay2OrVfs() throws {
        let vfs = try file(#"{"storage-driver": "vfs"}"#)
        let bad = try file(#"{"storage-driver": "btrfs"}"#)
        let empty = try file("{}")
        defer { for path in [vfs, bad, empty] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(try AgentConfiguration.load(contentsOf: vfs).storageDriver == "vfs")
        #expect(try AgentConfiguration.load(contentsOf: empty).storageDriver == nil)
        #expect(throws: AgentConfigurationError.invalid(key: "storage-driver",
                                                        reason: "\"btrfs\" is not one of overlay2, vfs")) {
            try AgentConfiguration.load(contentsOf: bad)
        }
    }

    @Test(arguments: [
        AgentConfiguration(port: 70000),
        AgentConfiguration(logLevel: "loud"),
        AgentConfiguration(tcp: false, unixSocket: ""),
        AgentConfiguration(tlsKey: ""),
        AgentConfiguration(dataRoot: "relative"),
        AgentConfiguration(labels: ["novalue"]),
    ])
    func invalidValuesAreRefused(configuration: AgentConfiguration) {
        #expect(throws: AgentConfigurationError.self) { try configuration.validate() }
    }
}
