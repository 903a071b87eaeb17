import BerthCore

/// Quotes `s` for a POSIX shell so it reaches the command as one literal word (BerthCore's `ShellQuote.word`).
///
///     shellQuote("/etc/docker")   // /etc/docker
///     shellQuote("it's")          // 'it'\''s'
public func shellQuote(_ s: String) -> String { ShellQuote.word(s) }
