import Foundation

/// A response as printed by `curl -i`: the last status line, its headers and the body.
struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: String

    /// Parses curl's `-i` output; with several responses (keep-alive, redirects) the last head wins.
    init?(curlOutput: String) {
        var rest = Substring(curlOutput)
        var parsed: (Int, [String: String])?
        while rest.hasPrefix("HTTP/"), let end = rest.range(of: "\r\n\r\n") {
            let lines = rest[..<end.lowerBound].components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            parsed = (status, headers)
            rest = rest[end.upperBound...]
        }
        guard let (status, headers) = parsed else { return nil }
        self.status = status
        self.headers = headers
        self.body = String(rest)
    }
}
