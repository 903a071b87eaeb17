#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension GoTemplate {
    /// Functions every template can call: Go's predefined ones, plus docker-machine's `json`/`prettyjson`
    /// and a few string helpers (`upper`, `lower`, `title`, `join`, `split`, `shellquote`).
    enum Builtins {
        typealias Function = ([Value?]) throws -> Value?

        /// A function's failure, printed as the whole message.
        struct CallError: Swift.Error {
            var message: String
        }

        static func arity(_ name: String, _ args: [Value?], _ count: Int) throws {
            guard args.count == count else {
                throw CallError(message: "wrong number of args for \(name): want \(count) got \(args.count)")
            }
        }

        static func string(_ name: String, _ v: Value?) throws -> String {
            switch v {
            case .string(let s)?: return s
            case let other:
                throw CallError(message: "error calling \(name): expected string; found \(Executor.printed(other))")
            }
        }

        static let names: Set<String> = Set(table.keys)

        static let table: [String: Function] = [
            "not": { args in
                try arity("not", args, 1)
                return .bool(!(args[0]?.isTruthy ?? false))
            },
            "len": { args in
                try arity("len", args, 1)
                switch args[0] {
                case .string(let s)?: return .int(s.utf8.count)
                case .array(let a)?: return .int(a.count)
                case .object(let o)?: return .int(o.count)
                case let other:
                    throw CallError(message: "error calling len: len of type \(other?.goTypeName ?? "<nil>")")
                }
            },
            "index": { args in try index(args) },
            "slice": { args in try slice(args) },
            "eq": { args in
                guard args.count >= 2 else {
                    throw CallError(message: "wrong number of args for eq: want at least 2 got \(args.count)")
                }
                let first = args[0] ?? .null
                return .bool(args.dropFirst().contains { equal(first, $0 ?? .null) })
            },
            "ne": { args in
                try arity("ne", args, 2)
                return .bool(!equal(args[0] ?? .null, args[1] ?? .null))
            },
            "lt": { args in .bool(try compare("lt", args) < 0) },
            "le": { args in .bool(try compare("le", args) <= 0) },
            "gt": { args in .bool(try compare("gt", args) > 0) },
            "ge": { args in .bool(try compare("ge", args) >= 0) },
            "print": { args in .string(sprint(args)) },
            "println": { args in .string(args.map(Executor.formatted).joined(separator: " ") + "\n") },
            "printf": { args in
                guard let format = args.first else {
                    throw CallError(message: "wrong number of args for printf: want at least 1 got 0")
                }
                return .string(GoTemplate.printf(try string("printf", format), Array(args.dropFirst())))
            },
            "html": { args in .string(htmlEscape(sprint(args))) },
            "urlquery": { args in .string(urlQueryEscape(sprint(args))) },
            "json": { args in
                try arity("json", args, 1)
                return .string(GoTemplate.json(args[0]))
            },
            "prettyjson": { args in
                try arity("prettyjson", args, 1)
                return .string(GoTemplate.json(args[0], indent: "    "))
            },
            "upper": { args in
                try arity("upper", args, 1)
                return .string(try string("upper", args[0]).uppercased())
            },
            "lower": { args in
                try arity("lower", args, 1)
                return .string(try string("lower", args[0]).lowercased())
            },
            "title": { args in
                try arity("title", args, 1)
                return .string(titleCase(try string("title", args[0])))
            },
            "join": { args in
                try arity("join", args, 2)
                guard case .array(let items)? = args[0] else {
                    throw CallError(message: "error calling join: expected a list; found \(Executor.printed(args[0]))")
                }
                return .string(items.map(\.goDescription).joined(separator: try string("join", args[1])))
            },
            "split": { args in
                try arity("split", args, 2)
                let s = try string("split", args[0])
                let sep = try string("split", args[1])
                if sep.isEmpty { return .array(s.map { .string(String($0)) }) }
                return .array(s.components(separatedBy: sep).map { .string($0) })
            },
            "shellquote": { args in
                try arity("shellquote", args, 1)
                let s: String
                if case .string(let text)? = args[0] { s = text } else { s = Executor.formatted(args[0]) }
                return .string("'" + s.replacingEvery("'", with: "'\\''") + "'")
            },
        ]

        /// fmt.Sprint: operands are separated by a space when neither side is a string.
        static func sprint(_ args: [Value?]) -> String {
            var out = ""
            for (i, v) in args.enumerated() {
                let isString: (Value?) -> Bool = { if case .string? = $0 { return true } else { return false } }
                if i > 0, !isString(v), !isString(args[i - 1]) { out += " " }
                out += Executor.formatted(v)
            }
            return out
        }

        static func equal(_ a: Value, _ b: Value) -> Bool {
            switch (a, b) {
            case (.int(let x), .double(let y)): return Double(x) == y
            case (.double(let x), .int(let y)): return x == Double(y)
            default: return a == b
            }
        }

        static func compare(_ name: String, _ args: [Value?]) throws -> Int {
            try arity(name, args, 2)
            switch (args[0], args[1]) {
            case (.int(let x)?, .int(let y)?): return x < y ? -1 : (x == y ? 0 : 1)
            case (.string(let x)?, .string(let y)?): return x < y ? -1 : (x == y ? 0 : 1)
            case (.int(let x)?, .double(let y)?): return Double(x) < y ? -1 : (Double(x) == y ? 0 : 1)
            case (.double(let x)?, .int(let y)?): return x < Double(y) ? -1 : (x == Double(y) ? 0 : 1)
            case (.double(let x)?, .double(let y)?): return x < y ? -1 : (x == y ? 0 : 1)
            default:
                throw CallError(message: "error calling \(name): incompatible types for comparison")
            }
        }

        static func index(_ args: [Value?]) throws -> Value? {
            guard var item = args.first else {
                throw CallError(message: "wrong number of args for index: want at least 1 got 0")
            }
            for key in args.dropFirst() {
                switch (item, key) {
                case (.array(let a)?, .int(let i)?):
                    guard i >= 0, i < a.count else {
                        throw CallError(message: "error calling index: index out of range: \(i)")
                    }
                    item = a[i]
                case (.object(let o)?, .string(let k)?):
                    item = o[k]
                case (nil, _), (.null?, _):
                    throw CallError(message: "error calling index: index of untyped nil")
                default:
                    throw CallError(message: "error calling index: can't index item of type \(item?.goTypeName ?? "")")
                }
            }
            return item
        }

        static func slice(_ args: [Value?]) throws -> Value? {
            guard let item = args.first else {
                throw CallError(message: "wrong number of args for slice: want at least 1 got 0")
            }
            var bounds: [Int] = []
            for v in args.dropFirst() {
                guard case .int(let i)? = v else { throw CallError(message: "error calling slice: cannot index slice with non-integer") }
                bounds.append(i)
            }
            func cut(_ count: Int) throws -> Range<Int> {
                guard bounds.count <= 2 else { throw CallError(message: "error calling slice: too many slice indexes") }
                let lo = bounds.first ?? 0
                let hi = bounds.count > 1 ? bounds[1] : count
                guard lo >= 0, hi <= count, lo <= hi else {
                    throw CallError(message: "error calling slice: index out of range: \(lo):\(hi)")
                }
                return lo..<hi
            }
            switch item {
            case .array(let a)?: return .array(Array(a[try cut(a.count)]))
            case .string(let s)?:
                let bytes = Array(s.utf8)
                return .string(String(decoding: bytes[try cut(bytes.count)], as: UTF8.self))
            default:
                throw CallError(message: "error calling slice: can't slice item of type \(item?.goTypeName ?? "<nil>")")
            }
        }

        static func htmlEscape(_ s: String) -> String {
            var out = ""
            for c in s.unicodeScalars {
                switch c {
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "&": out += "&amp;"
                case "'": out += "&#39;"
                case "\"": out += "&#34;"
                case "\0": out += "\u{FFFD}"
                default: out.unicodeScalars.append(c)
                }
            }
            return out
        }

        static func urlQueryEscape(_ s: String) -> String {
            var out = ""
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                     UInt8(ascii: "."), UInt8(ascii: "~"):
                    out.unicodeScalars.append(Unicode.Scalar(b))
                case UInt8(ascii: " "):
                    out += "+"
                default:
                    out += "%" + GoTemplate.hex(UInt32(b), width: 2).uppercased()
                }
            }
            return out
        }

        /// Upper-cases the first letter of each word, as Go's deprecated strings.Title does.
        static func titleCase(_ s: String) -> String {
            var out = ""
            var atWordStart = true
            for c in s {
                out += atWordStart ? c.uppercased() : String(c)
                atWordStart = !(c.isLetter || c.isNumber || c == "_" || c == "'")
            }
            return out
        }
    }
}
