extension GoTemplate {
    /// One lexical item of a template.
    struct Token: Equatable {
        enum Kind: Equatable {
            case text(String)
            case leftDelim
            case rightDelim
            /// A function name or keyword (if, else, end, range, with, define, template, block, break, continue).
            case identifier(String)
            /// `.Name` (the name without its dot).
            case field(String)
            /// `$name`, or `$` alone.
            case variable(String)
            case dot
            case string(String)
            case int(Int)
            case double(Double)
            case bool(Bool)
            case null
            case leftParen
            case rightParen
            case pipe
            case declare
            case assign
            case comma
            case eof
        }

        var kind: Kind
        var offset: Int
        /// Whether blank space separates this token from the previous one inside an action.
        var spaceBefore: Bool = false

        /// How the token reads in an error message, as Go shows items: keywords and `.` as `<else>`, `<.>`;
        /// anything else quoted, cut after 10 characters.
        var display: String {
            func quoted(_ s: String) -> String {
                s.count > 10 ? GoTemplate.quote(String(s.prefix(10))) + "..." : GoTemplate.quote(s)
            }
            switch kind {
            case .text(let t): return quoted(t)
            case .leftDelim: return quoted("{{")
            case .rightDelim: return quoted("}}")
            case .identifier(let n): return Parser.keywords.contains(n) ? "<\(n)>" : quoted(n)
            case .field(let n): return quoted("." + n)
            case .variable(let n): return quoted(n)
            case .dot: return "<.>"
            case .string(let s): return quoted(GoTemplate.quote(s))
            case .int(let i): return quoted(String(i))
            case .double(let d): return quoted(GoTemplate.formatFloat(d))
            case .bool(let b): return quoted(b ? "true" : "false")
            case .null: return "<nil>"
            case .leftParen: return quoted("(")
            case .rightParen: return quoted(")")
            case .pipe: return quoted("|")
            case .declare: return quoted(":=")
            case .assign: return quoted("=")
            case .comma: return quoted(",")
            case .eof: return "EOF"
            }
        }
    }

    /// Splits template text into tokens: text, delimiters and the items inside actions.
    /// Applies `{{-` / `-}}` trimming and drops `{{/* comments */}}`.
    struct Lexer {
        let source: [UInt8]
        let name: String
        var pos = 0
        var tokens: [Token] = []
        /// Set after ` -}}`: the next text loses its leading blank space.
        var trimNextText = false

        init(source: [UInt8], name: String) {
            self.source = source
            self.name = name
        }

        static func isSpace(_ b: UInt8) -> Bool {
            b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
        }

        static func isAlphanumeric(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
        }

        func error(_ message: String, at offset: Int) -> GoTemplate.Error {
            let loc = GoTemplate.location(of: offset, in: source)
            return GoTemplate.Error(phase: .parse, name: name, offset: offset, line: loc.line, column: loc.column,
                                    context: "", message: message)
        }

        func hasPrefix(_ s: String, at i: Int) -> Bool {
            let p = Array(s.utf8)
            guard i + p.count <= source.count else { return false }
            return Array(source[i..<(i + p.count)]) == p
        }

        func byte(at i: Int) -> UInt8? { i < source.count ? source[i] : nil }

        /// At a right delimiter? Returns its length (2 for `}}`, 4 for ` -}}`) and whether it trims.
        func atRightDelim(_ i: Int) -> (length: Int, trim: Bool)? {
            if let b = byte(at: i), Lexer.isSpace(b), byte(at: i + 1) == UInt8(ascii: "-"), hasPrefix("}}", at: i + 2) {
                return (4, true)
            }
            if hasPrefix("}}", at: i) { return (2, false) }
            return nil
        }

        mutating func tokenize() throws -> [Token] {
            while pos < source.count {
                try lexText()
            }
            tokens.append(Token(kind: .eof, offset: source.count))
            return tokens
        }

        private mutating func emitText(_ start: Int, _ end: Int, trimRight: Bool) {
            var a = start
            var b = end
            if trimNextText {
                while a < b, Lexer.isSpace(source[a]) { a += 1 }
                trimNextText = false
            }
            if trimRight {
                while b > a, Lexer.isSpace(source[b - 1]) { b -= 1 }
            }
            if a < b {
                tokens.append(Token(kind: .text(String(decoding: source[a..<b], as: UTF8.self)), offset: a))
            }
        }

        private mutating func lexText() throws {
            let start = pos
            var i = pos
            while i < source.count, !hasPrefix("{{", at: i) { i += 1 }
            if i >= source.count {
                emitText(start, source.count, trimRight: false)
                pos = source.count
                return
            }
            var after = i + 2
            var trimLeft = false
            if byte(at: after) == UInt8(ascii: "-"), let next = byte(at: after + 1), Lexer.isSpace(next) {
                trimLeft = true
                after += 2
            }
            emitText(start, i, trimRight: trimLeft)
            if hasPrefix("/*", at: after) {
                try lexComment(from: after, delimStart: i)
                return
            }
            tokens.append(Token(kind: .leftDelim, offset: i))
            pos = after
            try lexInsideAction(delimStart: i)
        }

        private mutating func lexComment(from start: Int, delimStart: Int) throws {
            var i = start + 2
            while i < source.count, !hasPrefix("*/", at: i) { i += 1 }
            guard i < source.count else { throw error("unclosed comment", at: delimStart) }
            i += 2
            guard let right = atRightDelim(i) else {
                throw error("comment ends before closing delimiter", at: i)
            }
            if right.trim { trimNextText = true }
            pos = i + right.length
        }

        private mutating func lexInsideAction(delimStart: Int) throws {
            var sawSpace = false
            while true {
                guard pos < source.count else { throw error("unclosed action", at: delimStart) }
                if let right = atRightDelim(pos) {
                    tokens.append(Token(kind: .rightDelim, offset: pos, spaceBefore: sawSpace))
                    pos += right.length
                    if right.trim { trimNextText = true }
                    return
                }
                let b = source[pos]
                if Lexer.isSpace(b) {
                    sawSpace = true
                    pos += 1
                    continue
                }
                let start = pos
                let kind = try lexItem()
                tokens.append(Token(kind: kind, offset: start, spaceBefore: sawSpace))
                sawSpace = false
            }
        }

        private mutating func lexItem() throws -> Token.Kind {
            let start = pos
            let b = source[pos]
            switch b {
            case UInt8(ascii: "("): pos += 1; return .leftParen
            case UInt8(ascii: ")"): pos += 1; return .rightParen
            case UInt8(ascii: "|"): pos += 1; return .pipe
            case UInt8(ascii: ","): pos += 1; return .comma
            case UInt8(ascii: "="): pos += 1; return .assign
            case UInt8(ascii: ":"):
                guard byte(at: pos + 1) == UInt8(ascii: "=") else { throw error("expected :=", at: pos) }
                pos += 2
                return .declare
            case UInt8(ascii: "\""):
                return .string(try lexQuoted())
            case UInt8(ascii: "`"):
                pos += 1
                while pos < source.count, source[pos] != UInt8(ascii: "`") { pos += 1 }
                guard pos < source.count else { throw error("unterminated raw quoted string", at: start) }
                pos += 1
                return .string(String(decoding: source[(start + 1)..<(pos - 1)], as: UTF8.self))
            case UInt8(ascii: "'"):
                return .int(try lexChar())
            case UInt8(ascii: "$"):
                pos += 1
                while let c = byte(at: pos), Lexer.isAlphanumeric(c) { pos += 1 }
                return .variable(String(decoding: source[start..<pos], as: UTF8.self))
            case UInt8(ascii: "."):
                if let c = byte(at: pos + 1), c >= 0x30, c <= 0x39 { return try lexNumber() }
                pos += 1
                guard let c = byte(at: pos), Lexer.isAlphanumeric(c) else { return .dot }
                while let c = byte(at: pos), Lexer.isAlphanumeric(c) { pos += 1 }
                return .field(String(decoding: source[(start + 1)..<pos], as: UTF8.self))
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try lexNumber()
            default:
                guard Lexer.isAlphanumeric(b) else {
                    if b >= 0x21, b < 0x7F {
                        throw error("unexpected \(GoTemplate.quote(String(UnicodeScalar(b)))) in command", at: pos)
                    }
                    let scalar = String(decoding: source[pos..<min(pos + 4, source.count)], as: UTF8.self)
                        .unicodeScalars.first.map { GoTemplate.hex($0.value, width: 4).uppercased() } ?? "?"
                    throw error("unrecognized character in action: U+\(scalar)", at: pos)
                }
                while let c = byte(at: pos), Lexer.isAlphanumeric(c) { pos += 1 }
                let word = String(decoding: source[start..<pos], as: UTF8.self)
                switch word {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "nil": return .null
                default: return .identifier(word)
                }
            }
        }

        private mutating func lexNumber() throws -> Token.Kind {
            let start = pos
            if let b = byte(at: pos), b == UInt8(ascii: "+") || b == UInt8(ascii: "-") { pos += 1 }
            var digits = "0123456789_"
            var isHex = false
            if byte(at: pos) == UInt8(ascii: "0"), let p = byte(at: pos + 1) {
                switch p | 0x20 {
                case UInt8(ascii: "x"): pos += 2; digits = "0123456789abcdefABCDEF_"; isHex = true
                case UInt8(ascii: "o"): pos += 2; digits = "01234567_"
                case UInt8(ascii: "b"): pos += 2; digits = "01_"
                default: break
                }
            }
            let digitSet = Set(digits.utf8)
            while let c = byte(at: pos), digitSet.contains(c) { pos += 1 }
            if byte(at: pos) == UInt8(ascii: ".") {
                pos += 1
                while let c = byte(at: pos), digitSet.contains(c) { pos += 1 }
            }
            if let e = byte(at: pos), !isHex ? (e | 0x20) == UInt8(ascii: "e") : (e | 0x20) == UInt8(ascii: "p") {
                pos += 1
                if let s = byte(at: pos), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { pos += 1 }
                while let c = byte(at: pos), c >= 0x30, c <= 0x39 { pos += 1 }
            }
            let text = String(decoding: source[start..<pos], as: UTF8.self)
            if let c = byte(at: pos), Lexer.isAlphanumeric(c) || c == UInt8(ascii: ".") {
                while let c = byte(at: pos), Lexer.isAlphanumeric(c) || c == UInt8(ascii: ".") { pos += 1 }
                let bad = String(decoding: source[start..<pos], as: UTF8.self)
                throw error("bad number syntax: \(GoTemplate.quote(bad))", at: start)
            }
            guard let value = GoTemplate.Lexer.parseNumber(text) else {
                throw error("bad number syntax: \(GoTemplate.quote(text))", at: start)
            }
            return value
        }

        static func parseNumber(_ raw: String) -> Token.Kind? {
            var text = raw.replacingEvery("_", with: "")
            var negative = false
            if text.hasPrefix("-") { negative = true; text.removeFirst() } else if text.hasPrefix("+") { text.removeFirst() }
            guard !text.isEmpty else { return nil }
            let lower = text.lowercased()
            var magnitude: Int?
            if lower.hasPrefix("0x") {
                if lower.contains("p") || lower.contains(".") { return nil }
                magnitude = Int(lower.dropFirst(2), radix: 16)
            } else if lower.hasPrefix("0o") {
                magnitude = Int(lower.dropFirst(2), radix: 8)
            } else if lower.hasPrefix("0b") {
                magnitude = Int(lower.dropFirst(2), radix: 2)
            } else if lower.contains(".") || lower.contains("e") {
                guard let d = Double(lower) else { return nil }
                return .double(negative ? -d : d)
            } else if lower.count > 1, lower.hasPrefix("0") {
                magnitude = Int(lower.dropFirst(), radix: 8)
            } else {
                magnitude = Int(lower)
            }
            guard let m = magnitude else { return nil }
            return .int(negative ? -m : m)
        }

        private mutating func lexChar() throws -> Int {
            let start = pos
            pos += 1
            var body: [UInt8] = []
            while let c = byte(at: pos), c != UInt8(ascii: "'"), c != UInt8(ascii: "\n") {
                if c == UInt8(ascii: "\\"), let n = byte(at: pos + 1) { body.append(c); body.append(n); pos += 2; continue }
                body.append(c)
                pos += 1
            }
            guard byte(at: pos) == UInt8(ascii: "'") else { throw error("unterminated character constant", at: start) }
            pos += 1
            let text = try unescape(body, at: start)
            guard text.unicodeScalars.count == 1, let u = text.unicodeScalars.first else {
                throw error("malformed character constant: \(String(decoding: source[start..<pos], as: UTF8.self))",
                            at: start)
            }
            return Int(u.value)
        }

        private mutating func lexQuoted() throws -> String {
            let start = pos
            pos += 1
            var body: [UInt8] = []
            while true {
                guard let c = byte(at: pos), c != UInt8(ascii: "\n") else {
                    throw error("unterminated quoted string", at: start)
                }
                if c == UInt8(ascii: "\"") { pos += 1; break }
                if c == UInt8(ascii: "\\") {
                    guard let n = byte(at: pos + 1), n != UInt8(ascii: "\n") else {
                        throw error("unterminated quoted string", at: start)
                    }
                    body.append(c)
                    body.append(n)
                    pos += 2
                    continue
                }
                body.append(c)
                pos += 1
            }
            return try unescape(body, at: start)
        }

        /// Go's string escapes: \a \b \f \n \r \t \v \\ \' \" \xHH \uHHHH \UHHHHHHHH \OOO.
        private func unescape(_ body: [UInt8], at offset: Int) throws -> String {
            var out: [UInt8] = []
            var i = 0
            func hexValue(_ count: Int) throws -> UInt32 {
                guard i + count <= body.count,
                      let v = UInt32(String(decoding: body[i..<(i + count)], as: UTF8.self), radix: 16) else {
                    throw error("invalid syntax in quoted string", at: offset)
                }
                i += count
                return v
            }
            func appendScalar(_ v: UInt32) throws {
                guard let u = Unicode.Scalar(v) else { throw error("invalid syntax in quoted string", at: offset) }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            }
            while i < body.count {
                let c = body[i]
                guard c == UInt8(ascii: "\\"), i + 1 < body.count else {
                    out.append(c)
                    i += 1
                    continue
                }
                let e = body[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "x"): out.append(UInt8(truncatingIfNeeded: try hexValue(2)))
                case UInt8(ascii: "u"): try appendScalar(try hexValue(4))
                case UInt8(ascii: "U"): try appendScalar(try hexValue(8))
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    guard i + 2 <= body.count,
                          let v = UInt8(String(decoding: [e] + body[i..<(i + 2)], as: UTF8.self), radix: 8) else {
                        throw error("invalid syntax in quoted string", at: offset)
                    }
                    i += 2
                    out.append(v)
                default:
                    throw error("invalid syntax in quoted string", at: offset)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
