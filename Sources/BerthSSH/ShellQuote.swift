import Foundation

/// Quotes `s` for a POSIX shell so it reaches the command as one literal word.
///
/// Words made only of characters no shell treats specially are returned unchanged; anything
/// else is wrapped in single quotes, with each embedded `'` written as `'\''`. The empty
/// string becomes `''`.
///
///     shellQuote("/etc/docker")   // /etc/docker
///     shellQuote("it's")          // 'it'\''s'
public func shellQuote(_ s: String) -> String {
    if s.isEmpty { return "''" }
    if s.unicodeScalars.allSatisfy(isShellSafe) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
}

private func isShellSafe(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case "a"..."z", "A"..."Z", "0"..."9": return true
    case "_", "-", ".", "/", ",", ":", "@", "+": return true
    default: return false
    }
}
