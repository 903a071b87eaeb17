import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where authentication looks for keys when the endpoint names none: `~/.ssh/id_*` under
/// `homeDirectory`, then the agent at `agentSocket`. Read from the environment ($HOME, $SSH_AUTH_SOCK)
/// by default; tests pass their own.
struct AuthSources {
    var homeDirectory: String?
    var agentSocket: String?

    /// Default private keys tried, in order.
    static let defaultKeyNames = ["id_ed25519", "id_ecdsa", "id_rsa"]

    static var environment: AuthSources {
        AuthSources(homeDirectory: homeFromEnvironment(),
                    agentSocket: getenv("SSH_AUTH_SOCK").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The default key files that exist.
    var defaultKeyPaths: [String] {
        guard let home = homeDirectory else { return [] }
        return Self.defaultKeyNames.map { "\(home)/.ssh/\($0)" }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    private static func homeFromEnvironment() -> String? {
        if let h = getenv("HOME"), h.pointee != 0 { return String(cString: h) }
        guard let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }
}
