import BerthCore
import Foundation

/// Runs commands as root on a host: directly for root, through `sudo -n` for other users.
public final class HostCommander {
    public let shell: RemoteShell
    public let user: String
    public let label: String

    public init(shell: RemoteShell, user: String, label: String) {
        self.shell = shell
        self.user = user
        self.label = label
    }

    /// POSIX single-quote quoting, always quoted.
    public static func quote(_ s: String) -> String { ShellQuote.word(s, bareWhenSafe: false) }

    private func wrap(_ command: String) -> String { ShellQuote.asRoot(command, user: user) }

    /// Runs `command` as root; throws one clear line on failure.
    @discardableResult
    public func root(_ command: String, stdin: Data? = nil) throws -> String {
        let r = try shell.run(wrap(command), stdin: stdin, onOutput: nil)
        guard r.exitStatus == 0 else {
            if user != "root", r.errorOutput.contains("password is required") || r.errorOutput.contains("a terminal is required") {
                throw BerthError.failed("\(label): sudo asks user \(user) for a password; allow passwordless sudo (NOPASSWD) for \(user)")
            }
            throw BerthError.failed("\(label): \(RemoteCommandError(command: command, exitStatus: r.exitStatus, stderr: r.errorOutput))")
        }
        return r.output
    }

    /// Runs `command` as root and returns its result without judging the exit status.
    public func tryRoot(_ command: String) throws -> CommandResult {
        try shell.run(wrap(command), stdin: nil, onOutput: nil)
    }

    /// Installs `data` at `path` (atomically, as root) with `mode`.
    public func install(_ data: Data, at path: String, mode: Int32) throws {
        if user == "root" {
            try shell.upload(data, to: path, mode: mode)
        } else {
            let tmp = "/tmp/.berth-upload-\(UUID().uuidString)"
            try shell.upload(data, to: tmp, mode: mode)
            try root("mkdir -p \(HostCommander.quote((path as NSString).deletingLastPathComponent)) && mv -f \(HostCommander.quote(tmp)) \(HostCommander.quote(path))")
        }
    }

    /// Installs a local file at `path`, reporting progress.
    public func installFile(_ local: String, at path: String, mode: Int32, progress: ((Int64, Int64) -> Void)?) throws {
        if user == "root" {
            try shell.uploadFile(local, to: path, mode: mode, progress: progress)
        } else {
            let tmp = "/tmp/.berth-upload-\(UUID().uuidString)"
            try shell.uploadFile(local, to: tmp, mode: mode, progress: progress)
            try root("mv -f \(HostCommander.quote(tmp)) \(HostCommander.quote(path))")
        }
    }
}
