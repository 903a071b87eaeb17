#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Go's ways of writing values as text: fmt's `%v` for floats, `strconv.Quote` and `encoding/json`.
extension GoTemplate {
    /// The shortest decimal digits of `d` and the position of the decimal point (value = 0.DIGITS × 10^point).
    static func shortestDigits(_ d: Double) -> (digits: [UInt8], point: Int) {
        let text = "\(abs(d))"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = parts.first.map(String.init) ?? ""
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array((intPart + fracPart).utf8).map { $0 - UInt8(ascii: "0") }
        var point = intPart.count + exponent
        while let first = digits.first, first == 0 {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { return ([0], 1) }
        return (digits, point)
    }

    /// `%e`-style text from shortest digits: `1.2345e+06`.
    static func exponentText(_ digits: [UInt8], point: Int, minExponentDigits: Int) -> String {
        var s = String(Character(Unicode.Scalar(digits[0] + 48)))
        if digits.count > 1 {
            s += "." + String(decoding: digits.dropFirst().map { $0 + 48 }, as: UTF8.self)
        }
        let exp = point - 1
        var expDigits = String(abs(exp))
        while expDigits.count < minExponentDigits { expDigits = "0" + expDigits }
        return s + "e" + (exp < 0 ? "-" : "+") + expDigits
    }

    /// `%f`-style text from shortest digits, with no more fraction digits than needed.
    static func plainText(_ digits: [UInt8], point: Int) -> String {
        let ascii = digits.map { $0 + 48 }
        if point <= 0 {
            return "0." + String(repeating: "0", count: -point) + String(decoding: ascii, as: UTF8.self)
        }
        if point >= ascii.count {
            return String(decoding: ascii, as: UTF8.self) + String(repeating: "0", count: point - ascii.count)
        }
        return String(decoding: ascii[..<point], as: UTF8.self) + "." + String(decoding: ascii[point...], as: UTF8.self)
    }

    /// A float64 as Go's `fmt.Print` writes it (`%v`, i.e. `%g` with the shortest digits): `1.5`, `2`, `1e+06`.
    static func formatFloat(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        let sign = d.sign == .minus && d != 0 ? "-" : ""
        let (digits, point) = shortestDigits(d)
        let exp = point - 1
        // Go's shortest %g uses exponent form below 1e-4 and from the precision (6) up: 1e+06.
        if exp < -4 || exp >= 6 {
            return sign + exponentText(digits, point: point, minExponentDigits: 2)
        }
        return sign + plainText(digits, point: point)
    }

    /// A float64 as Go's `encoding/json` writes it: plain unless tiny or huge, then `1e-7` / `1e+21`.
    static func formatJSONFloat(_ d: Double) -> String {
        if !d.isFinite { return "null" }
        let sign = d.sign == .minus && d != 0 ? "-" : ""
        let (digits, point) = shortestDigits(d)
        let a = abs(d)
        if a != 0 && (a < 1e-6 || a >= 1e21) {
            return sign + exponentText(digits, point: point, minExponentDigits: 1)
        }
        return sign + plainText(digits, point: point)
    }

    /// Whether Go's `unicode.IsPrint` holds: letters, marks, numbers, punctuation, symbols and ASCII space.
    static func isPrintable(_ u: Unicode.Scalar) -> Bool {
        if u == " " { return true }
        switch u.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    /// A string as Go's `strconv.Quote` (and so `%q`) writes it.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            default:
                if isPrintable(u) {
                    out.unicodeScalars.append(u)
                } else if u.value < 0x20 || u.value == 0x7F {
                    out += "\\x" + hex(u.value, width: 2)
                } else if u.value < 0x10000 {
                    out += "\\u" + hex(u.value, width: 4)
                } else {
                    out += "\\U" + hex(u.value, width: 8)
                }
            }
        }
        return out + "\""
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// A string as Go's `encoding/json` writes it, with its HTML-safe escapes (`<` as `\u003c`).
    static func jsonQuote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}": out += "\\u" + hex(u.value, width: 4)
            default:
                if u.value < 0x20 {
                    out += "\\u" + hex(u.value, width: 4)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// `value` as Go's `json.Marshal` (compact, sorted keys) or `json.MarshalIndent` with `indent` writes it.
    public static func json(_ value: Value?, indent: String? = nil) -> String {
        var out = ""
        writeJSON(value ?? .null, indent: indent, level: 0, into: &out)
        return out
    }

    private static func writeJSON(_ value: Value, indent: String?, level: Int, into out: inout String) {
        func newline(_ level: Int) {
            if let indent {
                out += "\n" + String(repeating: indent, count: level)
            }
        }
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += formatJSONFloat(d)
        case .string(let s): out += jsonQuote(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (i, element) in a.enumerated() {
                if i > 0 { out += "," }
                newline(level + 1)
                writeJSON(element, indent: indent, level: level + 1, into: &out)
            }
            newline(level)
            out += "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                newline(level + 1)
                out += jsonQuote(key) + (indent == nil ? ":" : ": ")
                writeJSON(o[key] ?? .null, indent: indent, level: level + 1, into: &out)
            }
            newline(level)
            out += "}"
        }
    }
}
