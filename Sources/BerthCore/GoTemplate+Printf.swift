#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension GoTemplate {
    /// One `%…` directive: flags, width, precision and verb.
    struct PrintfDirective {
        var minus = false
        var plus = false
        var zero = false
        var space = false
        var sharp = false
        var width: Int?
        var precision: Int?
        var verb: Character = "v"
    }

    /// Go's fmt.Sprintf for template values: verbs v s q d x X o b c t f F e E g G and %%,
    /// with flags `-+ 0#`, width and precision. Mismatches print Go's `%!d(string=x)` forms.
    static func printf(_ format: String, _ args: [Value?]) -> String {
        var out = ""
        var argIndex = 0
        let chars = Array(format)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            guard c == "%" else {
                out.append(c)
                continue
            }
            var d = PrintfDirective()
            flags: while i < chars.count {
                switch chars[i] {
                case "-": d.minus = true
                case "+": d.plus = true
                case "0": d.zero = true
                case " ": d.space = true
                case "#": d.sharp = true
                default: break flags
                }
                i += 1
            }
            func number() -> Int? {
                var n: Int?
                while i < chars.count, let digit = chars[i].wholeNumberValue, chars[i].isASCII {
                    n = (n ?? 0) * 10 + digit
                    i += 1
                }
                return n
            }
            d.width = number()
            if i < chars.count, chars[i] == "." {
                i += 1
                d.precision = number() ?? 0
            }
            guard i < chars.count else {
                out += "%!(NOVERB)"
                break
            }
            d.verb = chars[i]
            i += 1
            if d.verb == "%" {
                out += "%"
                continue
            }
            guard argIndex < args.count else {
                out += "%!\(d.verb)(MISSING)"
                continue
            }
            out += formatDirective(d, args[argIndex])
            argIndex += 1
        }
        if argIndex < args.count {
            let extra = args[argIndex...].map { v -> String in
                guard let v, v != .null else { return "<nil>" }
                return "\(v.goTypeName)=\(v.goDescription)"
            }
            out += "%!(EXTRA " + extra.joined(separator: ", ") + ")"
        }
        return out
    }

    static func badVerb(_ d: PrintfDirective, _ v: Value?) -> String {
        guard let v, v != .null else { return "%!\(d.verb)(<nil>)" }
        return "%!\(d.verb)(\(v.goTypeName)=\(v.goDescription))"
    }

    static func pad(_ s: String, _ d: PrintfDirective, numeric: Bool = false) -> String {
        guard let width = d.width, s.count < width else { return s }
        let fill = width - s.count
        if d.minus { return s + String(repeating: " ", count: fill) }
        if d.zero && numeric {
            var body = s
            var sign = ""
            if let first = body.first, first == "-" || first == "+" {
                sign = String(first)
                body.removeFirst()
            }
            return sign + String(repeating: "0", count: fill) + body
        }
        return String(repeating: " ", count: fill) + s
    }

    static func signed(_ s: String, negative: Bool, _ d: PrintfDirective) -> String {
        if negative { return "-" + s }
        if d.plus { return "+" + s }
        if d.space { return " " + s }
        return s
    }

    static func formatDirective(_ d: PrintfDirective, _ value: Value?) -> String {
        switch d.verb {
        case "v":
            if case .string(let s)? = value { return pad(s, d) }
            return pad(Executor.formatted(value), d, numeric: value.map(isNumber) ?? false)
        case "s":
            switch value {
            case .string(let s)?:
                let cut = d.precision.map { String(s.prefix($0)) } ?? s
                return pad(cut, d)
            case .array?, .object?: return pad(value?.goDescription ?? "", d)
            default: return badVerb(d, value)
            }
        case "q":
            switch value {
            case .string(let s)?: return pad(quote(s), d)
            case .int(let i)?:
                guard let u = Unicode.Scalar(UInt32(clamping: max(0, i))) else { return badVerb(d, value) }
                let q = quote(String(Character(u)))
                return pad("'" + q.dropFirst().dropLast().replacingEvery("\\\"", with: "\"")
                           .replacingEvery("'", with: "\\'") + "'", d)
            default: return badVerb(d, value)
            }
        case "d", "x", "X", "o", "b":
            if case .string(let s)? = value, d.verb == "x" || d.verb == "X" {
                let h = s.utf8.map { hex(UInt32($0), width: 2) }.joined()
                return pad(d.verb == "X" ? h.uppercased() : h, d)
            }
            guard case .int(let n)? = value else { return badVerb(d, value) }
            let radix = d.verb == "d" ? 10 : (d.verb == "o" ? 8 : (d.verb == "b" ? 2 : 16))
            var digits = String(n.magnitude, radix: radix, uppercase: d.verb == "X")
            if d.sharp && radix == 16 { digits = (d.verb == "X" ? "0X" : "0x") + digits }
            if d.sharp && radix == 8 { digits = "0" + digits }
            if let p = d.precision, digits.count < p { digits = String(repeating: "0", count: p - digits.count) + digits }
            return pad(signed(digits, negative: n < 0, d), d, numeric: true)
        case "c":
            guard case .int(let n)? = value, let u = Unicode.Scalar(UInt32(clamping: max(0, n))) else {
                return badVerb(d, value)
            }
            return pad(String(Character(u)), d)
        case "t":
            guard case .bool(let b)? = value else { return badVerb(d, value) }
            return pad(b ? "true" : "false", d)
        case "f", "F", "e", "E", "g", "G":
            let x: Double
            switch value {
            case .double(let v)?: x = v
            case .int(let v)?: x = Double(v)
            default: return badVerb(d, value)
            }
            return pad(formatFloatVerb(x, d), d, numeric: true)
        default:
            return badVerb(d, value)
        }
    }

    static func isNumber(_ v: Value) -> Bool {
        switch v {
        case .int, .double: return true
        default: return false
        }
    }

    static func formatFloatVerb(_ x: Double, _ d: PrintfDirective) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Inf" : "+Inf" }
        let negative = x.sign == .minus && x != 0
        let body: String
        switch d.verb {
        case "f", "F":
            body = cFormat("%.\(d.precision ?? 6)f", abs(x))
        case "e", "E":
            let s = cFormat("%.\(d.precision ?? 6)e", abs(x))
            body = d.verb == "E" ? s.uppercased() : s
        default:
            let s = d.precision.map { cFormat("%.\($0)g", abs(x)) } ?? formatFloat(abs(x))
            body = d.verb == "G" ? s.uppercased() : s
        }
        return signed(body, negative: negative, d)
    }

    /// C's printf of one double, as `String(format:)` gave it (CoreFoundation formats doubles with the C
    /// library's printf in the C locale): any length, the buffer grows to fit.
    static func cFormat(_ format: String, _ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        while true {
            let size = buffer.count
            let written = buffer.withUnsafeMutableBufferPointer { out in
                withVaList([x]) { vsnprintf(out.baseAddress, size, format, $0) }
            }
            guard written >= 0 else { return "" }
            if Int(written) < size {
                return String(decoding: buffer[..<Int(written)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            buffer = [CChar](repeating: 0, count: Int(written) + 1)
        }
    }
}
