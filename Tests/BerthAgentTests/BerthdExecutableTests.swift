import BerthAgent
import Foundation
import Testing

/// The `berthd` binary built next to the test bundle, when there is one.
private let berthd: String? = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [directory, directory.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("berthd").path
        if Tool.exists(path) { return path }
    }
    return nil
}()

@Suite("berthd executable", .enabled(if: berthd != nil), .serialized)
struct BerthdExecutableTests {
    @Test func printsItsVersion() async throws {
        let result = try await Tool.run(berthd ?? "", ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "berthd version \(AgentBuild.version)\n")
    }

    @Test func helpListsEveryFlag() async throws {
        let result = try await Tool.run(berthd ?? "", ["--help"])
        #expect(result.status == 0)
        for flag in ["--config", "--host", "--port", "--tlscacert", "--tlscert", "--tlskey", "--unix-socket",
                     "--data-root", "--exec-root", "--label", "--log-level", "--version"] {
            #expect(result.stdout.contains(flag), "\(flag)")
        }
    }

    @Test func badConfigurationIsOneLineAndExit1() async throws {
        let missing = try await Tool.run(berthd ?? "", ["--config", "/nonexistent/berthd.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "berthd: cannot read configuration /nonexistent/berthd.json: No such file or directory\n")
        let badPort = try await Tool.run(berthd ?? "", ["--port", "70000"])
        #expect(badPort.status == 1)
        #expect(badPort.stderr == "berthd: invalid configuration: port: 70000 is not in 0...65535\n")
        let badTLS = try await Tool.run(berthd ?? "", ["--tlscacert", "/nonexistent/ca.pem", "--unix-socket", "",
                                                        "--port", "0", "--host", "127.0.0.1",
                                                        "--data-root", NSTemporaryDirectory() + "berthd-bad-tls"])
        #expect(badTLS.status == 1)
        #expect(badTLS.stderr.hasSuffix("berthd: tlscacert /nonexistent/ca.pem: No such file or directory\n"))
    }

    @Test func servesTheUnixSocketAndStopsOnSIGTERM() async throws {
        let directory = NSTemporaryDirectory() + "berthd-exec-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/berthd.json"
        let socket = directory + "/sock/berthd.sock"
        try #"{"tcp": false, "unixSocket": "\#(socket)", "dataRoot": "\#(directory)/data", "logLevel": "debug"}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: berthd ?? "")
        process.arguments = ["--config", config, "--label", "from=flag"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let info = try await Tool.run("/usr/bin/curl", ["-sS", "--unix-socket", socket, "http://localhost/info"])
        process.terminate()  // SIGTERM
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(info.stdout.contains("\"Labels\":[\"from=flag\"]"), "\(info.stderr)")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(log.contains("berthd listening"))
        #expect(log.contains("SIGTERM"))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }
}
