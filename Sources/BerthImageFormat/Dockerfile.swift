/// One instruction of a Dockerfile as written: continuation lines joined, comments dropped.
public struct DockerfileInstruction: Sendable, Equatable {
    /// The line the instruction starts on (1-based).
    public var line: Int
    /// The keyword in upper case (`RUN`).
    public var keyword: String
    /// `--name=value` flags before the arguments (ADD, COPY, FROM, RUN).
    public var flags: [String: String]
    /// The arguments as written (after the flags), not yet substituted.
    public var rest: String
    /// The JSON (exec) form, when the arguments are a JSON array of strings.
    public var json: [String]?
    /// The instruction as written on one line (for the progress stream: `Step 1/4 : FROM busybox`).
    public var original: String
}

public struct DockerfileError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The Dockerfile parser: the `# escape=` directive, comments, line continuations, JSON vs shell form.
public enum Dockerfile {
    public static let keywords: Set<String> = ["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
                                               "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
                                               "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"]
    static let flagged: Set<String> = ["ADD", "COPY", "FROM", "RUN", "HEALTHCHECK"]
    static let jsonForms: Set<String> = ["RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"]

    /// Parses `text`; returns the escape character and the instructions.
    public static func parse(_ text: String) throws -> (escape: Character, instructions: [DockerfileInstruction]) {
        var escape: Character = "\\"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        var index = 0
        // Parser directives: only at the very top, before any other line.
        while index < lines.count {
            let trimmed = lines[index].trimmed()
            guard trimmed.hasPrefix("#") else { break }
            let body = trimmed.dropFirst().trimmed()
            guard let eq = body.firstIndex(of: "="), !body[..<eq].contains(" ") else { break }
            let key = body[..<eq].trimmed().lowercased()
            let value = body[body.index(after: eq)...].trimmed()
            if key == "escape" {
                guard value == "\\" || value == "`" else {
                    throw DockerfileError("invalid escape token '\(value)' does not match ` or \\")
                }
                escape = value.first!
            } else if key != "syntax" && key != "check" {
                break
            }
            index += 1
        }
        var instructions: [DockerfileInstruction] = []
        while index < lines.count {
            let start = index + 1
            var first = lines[index].trimmed()
            index += 1
            if first.isEmpty || first.hasPrefix("#") { continue }
            var joined = ""
            while true {
                let (body, continues) = continuation(first, escape: escape)
                joined += body
                guard continues, index < lines.count else { break }
                // inside a continuation, comment lines and empty lines are skipped
                while index < lines.count {
                    let t = lines[index].trimmed()
                    if t.hasPrefix("#") || t.isEmpty { index += 1 } else { break }
                }
                guard index < lines.count else { break }
                first = Substring(lines[index].drop(while: { $0 == " " || $0 == "\t" }))
                first = first.trimmedRight()
                index += 1
            }
            instructions.append(try instruction(joined, line: start))
        }
        return (escape, instructions)
    }

    /// A line's body without a trailing escape, and whether it continues on the next line.
    static func continuation(_ line: Substring, escape: Character) -> (String, Bool) {
        let trimmed = line.trimmedRight()
        if trimmed.last == escape {
            // an escaped escape at the end does not continue... docker treats any trailing escape as continuation
            return (String(trimmed.dropLast()), true)
        }
        return (String(trimmed), false)
    }

    static func instruction(_ text: String, line: Int) throws -> DockerfileInstruction {
        let trimmed = text.trimmed()
        let keywordEnd = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? trimmed.endIndex
        let keyword = trimmed[..<keywordEnd].uppercased()
        guard keywords.contains(keyword) else {
            throw DockerfileError("dockerfile parse error line \(line): unknown instruction: \(trimmed[..<keywordEnd])")
        }
        var rest = trimmed[keywordEnd...].trimmed()
        var flags: [String: String] = [:]
        if flagged.contains(keyword) {
            while rest.hasPrefix("--") {
                let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
                let flag = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                if let eq = flag.firstIndex(of: "=") {
                    flags[String(flag[..<eq])] = String(flag[flag.index(after: eq)...])
                } else {
                    flags[String(flag)] = "true"
                }
                rest = rest[end...].trimmed()
            }
        }
        if keyword == "ONBUILD" {
            let trigger = rest.prefix(while: { $0 != " " && $0 != "\t" }).uppercased()
            switch trigger {
            case "ONBUILD":
                throw DockerfileError("dockerfile parse error line \(line): Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
            case "FROM", "MAINTAINER":
                throw DockerfileError("dockerfile parse error line \(line): \(trigger) isn't allowed as an ONBUILD trigger")
            case "":
                throw DockerfileError("dockerfile parse error line \(line): ONBUILD requires at least one argument")
            default:
                _ = try instruction(String(rest), line: line)  // the trigger must parse now, as with dockerd
            }
        }
        var json: [String]?
        if jsonForms.contains(keyword), rest.hasPrefix("[") {
            json = parseJSONStringArray(String(rest))
        }
        return DockerfileInstruction(line: line, keyword: keyword, flags: flags, rest: String(rest), json: json,
                                     original: String(trimmed))
    }

    /// An `ONBUILD` trigger of a base image (`RUN echo hi`), parsed for the build that uses the image.
    public static func trigger(_ text: String) throws -> DockerfileInstruction {
        try instruction(text, line: 0)
    }

    /// A JSON array of strings, or nil when `text` is anything else (then the shell form applies).
    public static func parseJSONStringArray(_ text: String) -> [String]? {
        let chars = Array(text.unicodeScalars)
        var i = 0
        func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "\n" || chars[i] == "\r" { i += 1 } }
        skipSpace()
        guard i < chars.count, chars[i] == "[" else { return nil }
        i += 1
        var out: [String] = []
        skipSpace()
        if i < chars.count, chars[i] == "]" {
            i += 1
            skipSpace()
            return i == chars.count ? [] : nil
        }
        while true {
            skipSpace()
            guard i < chars.count, chars[i] == "\"" else { return nil }
            i += 1
            var s = String.UnicodeScalarView()
            while true {
                guard i < chars.count else { return nil }
                let c = chars[i]
                i += 1
                if c == "\"" { break }
                if c == "\\" {
                    guard i < chars.count else { return nil }
                    let e = chars[i]
                    i += 1
                    switch e {
                    case "\"": s.append("\"")
                    case "\\": s.append("\\")
                    case "/": s.append("/")
                    case "b": s.append("\u{08}")
                    case "f": s.append("\u{0C}")
                    case "n": s.append("\n")
                    case "r": s.append("\r")
                    case "t": s.append("\t")
                    case "u":
                        guard i + 4 <= chars.count, let v = UInt32(String(String.UnicodeScalarView(chars[i..<(i + 4)])), radix: 16)
                        else { return nil }
                        i += 4
                        s.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                    default: return nil
                    }
                } else {
                    s.append(c)
                }
            }
            out.append(String(s))
            skipSpace()
            guard i < chars.count else { return nil }
            if chars[i] == "," { i += 1; continue }
            if chars[i] == "]" {
                i += 1
                skipSpace()
                return i == chars.count ? out : nil
            }
            return nil
        }
    }
}

/// Variable substitution and word splitting as Dockerfile instructions do them (buildkit's shell lexer):
/// quotes, the escape character, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alternative}` (and without `:`).
public struct ShellLex: Sendable {
    public var escape: Character

    public init(escape: Character = "\\") { self.escape = escape }

    /// One word: quotes removed, variables substituted; whitespace kept.
    public func processWord(_ text: String, env: [String: String]) throws -> String {
        try process(text, env: env, split: false).joined(separator: " ")
    }

    /// Whitespace-separated words, quotes removed and variables substituted.
    public func processWords(_ text: String, env: [String: String]) throws -> [String] {
        try process(text, env: env, split: true)
    }

    func process(_ text: String, env: [String: String], split: Bool) throws -> [String] {
        let chars = Array(text)
        var i = 0
        var words: [String] = []
        var word = ""
        var inWord = false
        func flush() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        while i < chars.count {
            let c = chars[i]
            if split, c == " " || c == "\t" || c == "\n" {
                flush()
                i += 1
                continue
            }
            inWord = true
            if c == escape {
                i += 1
                if i < chars.count { word.append(chars[i]); i += 1 }
                continue
            }
            if c == "'" {
                i += 1
                while i < chars.count, chars[i] != "'" { word.append(chars[i]); i += 1 }
                guard i < chars.count else { throw DockerfileError("unexpected end of statement while looking for matching single-quote") }
                i += 1
                continue
            }
            if c == "\"" {
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == escape, i + 1 < chars.count, ["\"", "$", escape].contains(chars[i + 1]) {
                        word.append(chars[i + 1])
                        i += 2
                    } else if chars[i] == "$" {
                        word += try variable(chars, &i, env: env)
                    } else {
                        word.append(chars[i])
                        i += 1
                    }
                }
                guard i < chars.count else { throw DockerfileError("unexpected end of statement while looking for matching double-quote") }
                i += 1
                continue
            }
            if c == "$" {
                word += try variable(chars, &i, env: env)
                continue
            }
            word.append(c)
            i += 1
        }
        flush()
        return words
    }

    /// Expands the variable at `chars[i]` (a `$`), advancing `i` past it.
    func variable(_ chars: [Character], _ i: inout Int, env: [String: String]) throws -> String {
        i += 1
        guard i < chars.count else { return "$" }
        if chars[i] == "{" {
            i += 1
            var name = ""
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { name.append(chars[i]); i += 1 }
            guard i < chars.count else { throw DockerfileError("missing '}' in ${\(name)") }
            if chars[i] == "}" {
                i += 1
                return env[name] ?? ""
            }
            var op = String(chars[i])
            i += 1
            if op == ":", i < chars.count { op.append(chars[i]); i += 1 }
            var depth = 0
            var word = ""
            while i < chars.count {
                if chars[i] == "{" { depth += 1 }
                if chars[i] == "}" { if depth == 0 { break }; depth -= 1 }
                word.append(chars[i])
                i += 1
            }
            guard i < chars.count else { throw DockerfileError("missing '}' in ${\(name)") }
            i += 1
            let value = env[name]
            let expanded = try processWord(word, env: env)
            switch op {
            case ":-": return (value?.isEmpty ?? true) ? expanded : value!
            case "-": return value ?? expanded
            case ":+": return (value?.isEmpty ?? true) ? "" : expanded
            case "+": return value == nil ? "" : expanded
            case ":?", "?":
                if value == nil || (op == ":?" && value!.isEmpty) {
                    throw DockerfileError("\(name): \(expanded.isEmpty ? "is not allowed to be unset" : expanded)")
                }
                return value!
            default: throw DockerfileError("unsupported modifier (\(op)) in substitution")
            }
        }
        var name = ""
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { name.append(chars[i]); i += 1 }
        if name.isEmpty { return "$" }
        return env[name] ?? ""
    }

    /// `key=value` pairs of ENV, LABEL and ARG, or the old `ENV key value` form.
    public func keyValues(_ text: String, env: [String: String], keyword: String) throws -> [(String, String)] {
        let raw = try process(text, env: [:], split: true, rawOnly: true)
        guard let first = raw.first else { throw DockerfileError("\(keyword) requires at least one argument") }
        if !first.contains("=") {
            guard keyword == "ENV" || keyword == "LABEL" else { return [] }
            // old form: the first word is the key, the rest of the line the value
            let trimmed = text.trimmed()
            let end = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? trimmed.endIndex
            let key = String(trimmed[..<end])
            let value = try processWord(String(trimmed[end...].trimmed()), env: env)
            guard !value.isEmpty || end != trimmed.endIndex else {
                throw DockerfileError("\(keyword) must have two arguments")
            }
            return [(key, value)]
        }
        var out: [(String, String)] = []
        for word in raw {
            guard let eq = word.firstIndex(of: "=") else {
                throw DockerfileError("Syntax error - can't find = in \"\(word)\". Must be of the form: name=value")
            }
            let key = try processWord(String(word[..<eq]), env: env)
            let value = try processWord(String(word[word.index(after: eq)...]), env: env)
            out.append((key, value))
        }
        return out
    }

    /// Words split on unquoted whitespace, quotes and escapes kept (to be processed one by one).
    public func rawWords(_ text: String) -> [String] {
        (try? process(text, env: [:], split: true, rawOnly: true)) ?? []
    }

    func process(_ text: String, env: [String: String], split: Bool, rawOnly: Bool) throws -> [String] {
        let chars = Array(text)
        var words: [String] = []
        var word = ""
        var i = 0
        var quote: Character?
        while i < chars.count {
            let c = chars[i]
            if quote == nil, c == " " || c == "\t" || c == "\n" {
                if !word.isEmpty { words.append(word) }
                word = ""
                i += 1
                continue
            }
            if c == escape, quote != "'", i + 1 < chars.count {
                word.append(c)
                word.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "'" || c == "\"" {
                if quote == nil { quote = c } else if quote == c { quote = nil }
            }
            word.append(c)
            i += 1
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}

extension StringProtocol {
    func trimmed() -> Substring {
        let s = Substring(self)
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return s[first...last]
    }

    func trimmedRight() -> Substring {
        let s = Substring(self)
        guard let last = s.lastIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { return "" }
        return s[...last]
    }
}
