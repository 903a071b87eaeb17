import Foundation

/// Why an SSH operation failed. `description` is one line naming the host and the cause, e.g.
/// `ssh lab1 (10.0.0.2:22): connection refused`.
public enum SSHError: Error, Equatable, CustomStringConvertible {
    /// The host name did not resolve.
    case resolveFailed(SSHPeer, reason: String)
    /// Nothing listens on the port (TCP RST).
    case connectionRefused(SSHPeer)
    /// The TCP connection was not established within the endpoint's connect timeout.
    case connectTimedOut(SSHPeer, seconds: Double)
    /// Any other TCP connect failure (no route, network unreachable, ...).
    case connectFailed(SSHPeer, reason: String)
    /// The SSH protocol handshake (banner, key exchange) failed.
    case handshakeFailed(SSHPeer, reason: String)
    /// The host presented a key other than the one pinned in `knownHostsPath` under `hostPattern`.
    /// `pinned` and `presented` are `<type> SHA256:<base64>`.
    case hostKeyMismatch(SSHPeer, knownHostsPath: String, hostPattern: String, pinned: String, presented: String)
    /// The known-hosts file could not be read or written.
    case knownHostsFailed(SSHPeer, path: String, reason: String)
    /// No key was accepted. `tried` lists what was offered (key paths, `ssh-agent ...`), with a reason
    /// in parentheses when a key could not be used at all.
    case authenticationFailed(SSHPeer, user: String, tried: [String], note: String?)
    /// A step made no progress for `seconds`.
    case timedOut(SSHPeer, operation: String, seconds: Double)
    /// The connection broke during `operation`.
    case connectionLost(SSHPeer, operation: String, reason: String)
    /// libssh2 reported an error; `message` is its last-error text.
    case libssh2(SSHPeer, operation: String, code: Int32, message: String)
    /// The SFTP server answered `status` (an SSH_FX_* code) for `operation` on `path`.
    case sftp(SSHPeer, operation: String, path: String, status: UInt)
    /// A helper command run by BerthSSH itself (e.g. the `mv -f` rename fallback) failed.
    case commandFailed(SSHPeer, command: String, exitStatus: Int32, stderr: String)
    /// A local file could not be read or written.
    case localFile(SSHPeer, path: String, reason: String)
    /// The session was already closed.
    case closed(SSHPeer)

    /// The host the error is about.
    public var peer: SSHPeer {
        switch self {
        case .resolveFailed(let p, _), .connectionRefused(let p), .connectTimedOut(let p, _),
             .connectFailed(let p, _), .handshakeFailed(let p, _), .hostKeyMismatch(let p, _, _, _, _),
             .knownHostsFailed(let p, _, _), .authenticationFailed(let p, _, _, _), .timedOut(let p, _, _),
             .connectionLost(let p, _, _), .libssh2(let p, _, _, _), .sftp(let p, _, _, _), .commandFailed(let p, _, _, _),
             .localFile(let p, _, _), .closed(let p):
            return p
        }
    }

    public var description: String {
        "\(peer): " + cause
    }

    /// The message without the leading host part.
    public var cause: String {
        switch self {
        case .resolveFailed(let p, let reason):
            return "cannot resolve \(p.host): \(reason)"
        case .connectionRefused:
            return "connection refused"
        case .connectTimedOut(_, let seconds):
            return "connection timed out after \(formatSeconds(seconds))"
        case .connectFailed(_, let reason):
            return "cannot connect: \(reason)"
        case .handshakeFailed(_, let reason):
            return "SSH handshake failed: \(reason)"
        case .hostKeyMismatch(_, let path, let pattern, let pinned, let presented):
            return "host key mismatch: \(path) pins \(pinned) but the host presented \(presented); "
                + "if the host was reinstalled, remove the \(pattern) line from \(path) to accept the new key"
        case .knownHostsFailed(_, let path, let reason):
            return "known hosts file \(path): \(reason)"
        case .authenticationFailed(_, let user, let tried, let note):
            var s = "authentication failed for user \(user)"
            var details: [String] = []
            if !tried.isEmpty { details.append("tried " + tried.joined(separator: ", ")) }
            if let note, !note.isEmpty { details.append(note) }
            if !details.isEmpty { s += " (" + details.joined(separator: "; ") + ")" }
            return s
        case .timedOut(_, let operation, let seconds):
            return "\(operation) timed out after \(formatSeconds(seconds))"
        case .connectionLost(_, let operation, let reason):
            return "connection lost during \(operation): \(reason)"
        case .libssh2(_, let operation, let code, let message):
            return "\(operation) failed: \(message.isEmpty ? "libssh2 error" : message) (libssh2 error \(code))"
        case .sftp(_, let operation, let path, let status):
            return "\(operation) \(path): \(SFTPStatus.describe(status))"
        case .commandFailed(_, let command, let status, let stderr):
            let lines = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let why = lines.last(where: { !$0.isEmpty }) ?? ""
            return "`\(command)` exited \(status)" + (why.isEmpty ? "" : ": \(why)")
        case .localFile(_, let path, let reason):
            return "\(path): \(reason)"
        case .closed:
            return "session is closed"
        }
    }

    /// True for the SFTP "no such file" status, so callers can treat a missing path as a value.
    public var isNoSuchFile: Bool {
        if case .sftp(_, _, _, let status) = self { return status == SFTPStatus.noSuchFile }
        return false
    }
}

private func formatSeconds(_ s: Double) -> String {
    s == s.rounded() && abs(s) < 1e9 ? "\(Int(s))s" : "\(s)s"
}
