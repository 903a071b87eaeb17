import BerthCore
import BerthMachine
import Foundation

/// A shell whose answers are keyed by command prefix; records what ran and what was uploaded.
final class FakeShell: RemoteShell, @unchecked Sendable {
    var answers: [(prefix: String, result: CommandResult)] = []
    var failOn: String?
    private(set) var commands: [String] = []
    private(set) var files: [String: Data] = [:]
    let lock = NSLock()

    func run(_ command: String, stdin: Data?, onOutput: ((Int, Data) -> Void)?) throws -> CommandResult {
        lock.lock(); defer { lock.unlock() }
        commands.append(command)
        if let f = failOn, command.contains(f) { return CommandResult(exitStatus: 1, stderr: Data("boom: \(f)".utf8)) }
        for a in answers where command.hasPrefix(a.prefix) || command.contains(a.prefix) { return a.result }
        return CommandResult(exitStatus: 0)
    }
    func upload(_ data: Data, to remotePath: String, mode: Int32) throws {
        lock.lock(); defer { lock.unlock() }
        files[remotePath] = data
    }
    func uploadFile(_ localPath: String, to remotePath: String, mode: Int32, progress: ((Int64, Int64) -> Void)?) throws {
        let d = FileManager.default.contents(atPath: localPath) ?? Data()
        try upload(d, to: remotePath, mode: mode)
        progress?(Int64(d.count), Int64(d.count))
    }
    func download(_ remotePath: String) throws -> Data { files[remotePath] ?? Data() }
    func close() {}

    static func debian() -> FakeShell {
        let s = FakeShell()
        s.answers = [("cat /etc/os-release", CommandResult(exitStatus: 0, stdout: Data(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n---\nsystemd\n".utf8)))]
        return s
    }
}

struct FakeConnector: ShellConnector {
    let make: @Sendable (SSHEndpoint) throws -> RemoteShell
    func connect(_ endpoint: SSHEndpoint) throws -> RemoteShell { try make(endpoint) }
}

struct FakeProbe: AgentProbe {
    var answer: AgentHealth = .running(version: "v0.1.0-test")
    func health(host: String, port: Int, tls: ClientTLSFiles, timeout: Double) -> AgentHealth { answer }
}

/// Temporary store and an agent binary for a test.
struct Sandbox {
    let root: String
    let agent: String

    init() throws {
        root = NSTemporaryDirectory() + "berth-unit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        agent = root + "/berthd"
        FileManager.default.createFile(atPath: agent, contents: Data("#!/bin/sh\necho berthd version test\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    static var templates: Templates {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return Templates(directory: repo.appendingPathComponent("templates").path)
    }

    func service(shell: @escaping @Sendable () -> RemoteShell, probe: AgentProbe = FakeProbe(),
                 drivers: DriverRegistry) throws -> MachineService {
        MachineService(store: try MachineStore(root: root + "/store"), drivers: drivers,
                       connector: FakeConnector(make: { _ in shell() }), probe: probe, templates: Sandbox.templates,
                       agentBinary: agent)
    }
}
