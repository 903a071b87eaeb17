/// One line of docker's JSON message stream (pull, push): what the CLI draws as per-layer bars.
///
/// `{"status":"Downloading","progressDetail":{"current":1,"total":2},"progress":"[=>  ]  1B/2B","id":"a3ed95caeb02"}`
public struct ProgressMessage: Sendable, Equatable {
    public var status: String
    public var id: String?
    /// `progressDetail`: present (possibly empty) for per-layer lines.
    public var current: Int64?
    public var total: Int64?
    public var detail: Bool

    public init(_ status: String, id: String? = nil, detail: Bool = false, current: Int64? = nil, total: Int64? = nil) {
        self.status = status
        self.id = id
        self.detail = detail || current != nil
        self.current = current
        self.total = total
    }

    /// The line, newline-terminated, keys in dockerd's order.
    public var line: String {
        var out = #"{"status":"# + Self.quote(status)
        if detail {
            var parts: [String] = []
            if let current { parts.append(#""current":\#(current)"#) }
            if let total, total > 0 { parts.append(#""total":\#(total)"#) }
            out += #","progressDetail":{"# + parts.joined(separator: ",") + "}"
            if let current { out += #","progress":"# + Self.quote(Self.bar(current: current, total: total)) }
        }
        if let id { out += #","id":"# + Self.quote(id) }
        return out + "}\n"
    }

    /// The error line a stream ends with.
    public static func error(_ message: String) -> String {
        #"{"errorDetail":{"message":"# + quote(message) + #"},"error":"# + quote(message) + "}\n"
    }

    /// The `aux` line after a push: `{"progressDetail":{},"aux":{"Tag":"1","Digest":"sha256:…","Size":527}}`.
    public static func pushed(tag: String, digest: String, size: Int) -> String {
        #"{"progressDetail":{},"aux":{"Tag":"# + quote(tag) + #","Digest":"# + quote(digest) + #","Size":\#(size)}}"#
            + "\n"
    }

    /// The short ID docker shows for a layer: 12 hex digits of its digest.
    public static func shortID(_ digest: String) -> String {
        String((digest.hasPrefix("sha256:") ? digest.dropFirst(7) : Substring(digest)).prefix(12))
    }

    /// docker's `[====>     ]  1.23MB/4.56MB` (50 wide; sizes in decimal units, 4 significant digits).
    public static func bar(current: Int64, total: Int64?) -> String {
        guard let total, total > 0 else { return HumanSize.format(current) }
        let percent = min(1.0, Double(current) / Double(total))
        let filled = Int(percent * 50)
        let arrow = filled < 50 ? ">" : "="
        let bar = "[" + String(repeating: "=", count: max(0, filled)) + arrow
            + String(repeating: " ", count: max(0, 49 - filled)) + "]"
        let numbers = HumanSize.format(current) + "/" + HumanSize.format(total)
        return bar + " " + String(repeating: " ", count: max(0, 17 - numbers.count)) + numbers
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// docker's `units.HumanSize`: decimal units, 4 significant digits (`1.234MB`, `512B`).
public enum HumanSize {
    public static func format(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return significant(value, 4) + units[unit]
    }

    /// `%.4g` without Foundation's formatter.
    static func significant(_ value: Double, _ digits: Int) -> String {
        if value == 0 { return "0" }
        var magnitude = 0
        var v = value
        while v >= 10 { v /= 10; magnitude += 1 }
        let decimals = max(0, digits - 1 - magnitude)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        var text = String(Int64((value * scale).rounded()))
        if decimals > 0 {
            while text.count <= decimals { text = "0" + text }
            let point = text.index(text.endIndex, offsetBy: -decimals)
            text = text[..<point] + "." + text[point...]
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
