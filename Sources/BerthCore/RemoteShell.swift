#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where and how to reach a host over SSH. One value instead of four getters.
public struct SSHEndpoint: Codable, Equatable, Sendable {
    public var host: String
    public var port: Int
    public var user: String
    /// Absolute path of the private key to use; nil means the user's default keys, then ssh-agent.
    public var keyPath: String?
    /// Absolute path of the known-hosts file holding this host's pinned key.
    public var knownHostsPath: String?
    /// Name used in messages (machine name or address).
    public var label: String
    public var connectTimeout: Double

    public init(host: String, port: Int = 22, user: String = "root", keyPath: String? = nil,
                knownHostsPath: String? = nil, label: String? = nil, connectTimeout: Double = 10) {
        self.host = host
        self.port = port
        self.user = user
        self.keyPath = keyPath
        self.knownHostsPath = knownHostsPath
        self.label = label ?? host
        self.connectTimeout = connectTimeout
    }
}

/// The result of a command run on a host.
public struct CommandResult: Sendable, Equatable {
    public var exitStatus: Int32
    public var stdout: Data
    public var stderr: Data

    public init(exitStatus: Int32, stdout: Data = Data(), stderr: Data = Data()) {
        self.exitStatus = exitStatus
        self.stdout = stdout
        self.stderr = stderr
    }

    public var output: String { String(decoding: stdout, as: UTF8.self) }
    public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
}

/// The transport seam: run commands and move files on one host. SSH implements it; unit tests fake it.
public protocol RemoteShell: AnyObject {
    /// Runs `command` through the remote user's shell. `stdin` is written then closed.
    /// `onOutput` receives stdout/stderr chunks as they arrive (stream 1 or 2) when given.
    func run(_ command: String, stdin: Data?, onOutput: ((Int, Data) -> Void)?) throws -> CommandResult
    /// Writes `data` to `remotePath` atomically (temp name beside it, then rename) with `mode`.
    func upload(_ data: Data, to remotePath: String, mode: Int32) throws
    /// Copies a local file to `remotePath` atomically; `progress(sent, total)` is called as bytes go.
    func uploadFile(_ localPath: String, to remotePath: String, mode: Int32,
                    progress: ((Int64, Int64) -> Void)?) throws
    /// Reads a whole remote file.
    func download(_ remotePath: String) throws -> Data
    func close()
}

public extension RemoteShell {
    func run(_ command: String) throws -> CommandResult {
        try run(command, stdin: nil, onOutput: nil)
    }

    /// Runs a command and throws `RemoteCommandError` when it exits non-zero.
    @discardableResult
    func check(_ command: String, stdin: Data? = nil) throws -> String {
        let r = try run(command, stdin: stdin, onOutput: nil)
        guard r.exitStatus == 0 else {
            throw RemoteCommandError(command: command, exitStatus: r.exitStatus, stderr: r.errorOutput)
        }
        return r.output
    }
}

public struct RemoteCommandError: Error, CustomStringConvertible {
    public var command: String
    public var exitStatus: Int32
    public var stderr: String
    public init(command: String, exitStatus: Int32, stderr: String) {
        self.command = command
        self.exitStatus = exitStatus
        self.stderr = stderr
    }
    public var description: String {
        let why = stderr.trimmingWhitespaceAndNewlines()
            .split(separator: "\n").last.map(String.init) ?? ""
        return "command `\(command)` exited \(exitStatus)" + (why.isEmpty ? "" : ": \(why)")
    }
}

/// Opens shells to endpoints. Injected into the machine layer so unit tests can fake it.
public protocol ShellConnector: Sendable {
    func connect(_ endpoint: SSHEndpoint) throws -> RemoteShell
}
