/// Quoting for POSIX shells and running commands as root over a remote shell: the one implementation of both.
public enum ShellQuote {
    /// Quotes `s` so it reaches the command as one literal word: wrapped in single quotes, each embedded `'`
    /// written as `'\''`; the empty string becomes `''`. With `bareWhenSafe`, words made only of characters no
    /// shell treats specially are returned unchanged.
    ///
    ///     ShellQuote.word("/etc/docker")                       // /etc/docker
    ///     ShellQuote.word("/etc/docker", bareWhenSafe: false)  // '/etc/docker'
    ///     ShellQuote.word("it's")                              // 'it'\''s'
    public static func word(_ s: String, bareWhenSafe: Bool = true) -> String {
        if s.isEmpty { return "''" }
        if bareWhenSafe, s.unicodeScalars.allSatisfy(isSafe) { return s }
        var out = "'"
        for c in s {
            if c == "'" { out += #"'\''"# } else { out.append(c) }
        }
        return out + "'"
    }

    /// `command` as root for a login as `user`: as is for root, else through `sudo -n sh -c` (which fails at
    /// once instead of asking for a password).
    public static func asRoot(_ command: String, user: String) -> String {
        user == "root" ? command : "sudo -n sh -c " + word(command, bareWhenSafe: false)
    }

    private static func isSafe(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "_", "-", ".", "/", ",", ":", "@", "+": return true
        default: return false
        }
    }
}
