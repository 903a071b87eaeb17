extension HostFacts {
    /// `MemTotal` of a `/proc/meminfo` text, in bytes (the file counts kB).
    static func memTotal(meminfo: String) -> Int64? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int64(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// The `KEY=value` pairs of an `os-release` text, with shell quotes removed.
    static func osRelease(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            var value = trimmed[trimmed.index(after: equals)...]
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = value.dropFirst().dropLast()
            }
            values[String(trimmed[..<equals])] = value.replacingBackslashEscapes()
        }
        return values
    }
}

private extension Substring {
    /// Undoes the `\"`, `\\`, `\$` and `` \` `` escapes os-release allows inside double quotes.
    func replacingBackslashEscapes() -> String {
        var out = ""
        var escaping = false
        for character in self {
            if escaping {
                out.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
