import BerthCore
import Foundation

/// One operand of `berth scp` as written on the command line: a local path or a path on a machine.
///
/// The rules follow scp's, with machine names in place of host names:
/// - `machine:path` and `user@machine:path` name a path on a machine (`user` overrides its SSH user);
///   an empty path, `~` or a leading `~/` mean the login directory.
/// - `localhost:path` is a local path.
/// - Anything else is a local path: no `:` at all, a `/` before the first `:` (`./a:b`, `/tmp/x:y`),
///   a leading `:`, or a part before the `:` that is not a valid machine name (`my file:v2`).
public enum Location: Equatable, Sendable, CustomStringConvertible {
    case local(path: String)
    case remote(machine: String, user: String?, path: String)

    /// Parses one operand. Throws `BerthError.invalidArgument` for an empty operand, an empty user
    /// (`@m:x`) or a user given with `localhost`.
    public static func parse(_ text: String) throws -> Location {
        guard !text.isEmpty else { throw BerthError.invalidArgument("scp: empty path") }
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
              !text[..<colon].contains("/") else {
            return .local(path: text)
        }
        let host = text[..<colon]
        let path = String(text[text.index(after: colon)...])
        var user: String?
        var machine = Substring(host)
        if let at = host.lastIndex(of: "@") {
            user = String(host[..<at])
            machine = host[host.index(after: at)...]
        }
        guard MachineName.isValid(String(machine)) else {
            // `user@` before something that is no machine name: still a local path (`a@b c:d`), unless the
            // part after `@` is empty, which can only be a mistake.
            if user != nil && machine.isEmpty {
                throw BerthError.invalidArgument("scp: \(text): missing machine name after \"@\"")
            }
            return .local(path: text)
        }
        if let u = user, u.isEmpty {
            throw BerthError.invalidArgument("scp: \(text): empty user name before \"@\"")
        }
        if machine == "localhost" {
            guard user == nil else {
                throw BerthError.invalidArgument("scp: \(text): a user cannot be given for localhost")
            }
            return .local(path: expandLocalHome(path))
        }
        return .remote(machine: String(machine), user: user, path: remotePath(path))
    }

    /// The machine named, if any.
    public var machine: String? {
        if case .remote(let m, _, _) = self { return m }
        return nil
    }

    /// The path part.
    public var path: String {
        switch self {
        case .local(let p), .remote(_, _, let p): return p
        }
    }

    /// The operand as the user would write it back: `/tmp/x`, `lab1:/tmp/x`, `admin@lab1:x`.
    public var description: String {
        switch self {
        case .local(let p): return p
        case .remote(let m, let u, let p): return (u.map { $0 + "@" } ?? "") + m + ":" + p
        }
    }

    /// `""`, `~` and `~/x` mean the login directory, which is where SFTP resolves relative paths.
    static func remotePath(_ p: String) -> String {
        if p.isEmpty || p == "~" { return "." }
        if p.hasPrefix("~/") {
            let rest = String(p.dropFirst(2))
            return rest.isEmpty ? "." : rest
        }
        return p
    }

    static func expandLocalHome(_ p: String) -> String {
        if p.isEmpty { return "." }
        if p == "~" || p.hasPrefix("~/") { return (p as NSString).expandingTildeInPath }
        return p
    }
}
