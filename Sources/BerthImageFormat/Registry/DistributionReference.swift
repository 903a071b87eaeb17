/// An image name as docker's reference grammar reads it: `[domain/]path[:tag][@digest]`.
///
/// `busybox` is `docker.io/library/busybox:latest`; the first component is a registry domain when it holds a `.` or
/// a `:` or is `localhost`. What docker shows (`busybox`, `10.0.0.3:5000/web`) is `familiarName`.
public struct DistributionReference: Sendable, Hashable, CustomStringConvertible {
    public static let defaultDomain = "docker.io"

    public var domain: String
    /// The repository inside the registry (`library/busybox`).
    public var path: String
    public var tag: String?
    public var digest: String?

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case invalid(String)
        case uppercase(String)
        public var description: String {
            switch self {
            case .invalid(let text): return "invalid reference format: \(text)"
            case .uppercase(let text): return "invalid reference format: repository name (\(text)) must be lowercase"
            }
        }
    }

    public init(domain: String, path: String, tag: String?, digest: String?) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// Parses and normalises a name as `docker pull` does; a missing tag stays nil (see `withDefaultTag`).
    public init(parsing text: String) throws {
        guard !text.isEmpty, !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) else {
            throw ParseError.invalid(text)
        }
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            guard Self.isDigest(d) else { throw ParseError.invalid(text) }
            digest = d
            rest = rest[..<at]
        }
        var tag: String?
        let slash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), slash.map({ colon > $0 }) ?? true {
            let t = String(rest[rest.index(after: colon)...])
            guard Self.isTag(t) else { throw ParseError.invalid(text) }
            tag = t
            rest = rest[..<colon]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.isEmpty, !components.contains(where: \.isEmpty) else { throw ParseError.invalid(text) }
        var domain = Self.defaultDomain
        if components.count > 1, components[0].contains(".") || components[0].contains(":")
            || components[0] == "localhost" || components[0] != components[0].lowercased() {
            domain = components.removeFirst()
            guard Self.isDomain(domain) else { throw ParseError.invalid(text) }
        }
        if domain == "index.docker.io" { domain = Self.defaultDomain }
        for component in components {
            if component != component.lowercased() { throw ParseError.uppercase(text) }
            guard Self.isPathComponent(component) else { throw ParseError.invalid(text) }
        }
        if domain == Self.defaultDomain && components.count == 1 { components.insert("library", at: 0) }
        let path = components.joined(separator: "/")
        guard domain.count + path.count < 256 else { throw ParseError.invalid(text) }
        self.init(domain: domain, path: path, tag: tag, digest: digest)
    }

    /// The name with `latest` when neither tag nor digest was given.
    public var withDefaultTag: DistributionReference {
        var copy = self
        if tag == nil && digest == nil { copy.tag = "latest" }
        return copy
    }

    /// The repository as docker shows it: `busybox`, `someone/tool`, `10.0.0.3:5000/web`.
    public var familiarName: String {
        guard domain == Self.defaultDomain else { return domain + "/" + path }
        return path.hasPrefix("library/") ? String(path.dropFirst(8)) : path
    }

    /// `familiarName:tag` (the key images are tagged under), when there is a tag.
    public var familiarTagged: String? { tag.map { familiarName + ":" + $0 } }

    /// `familiarName@digest`, as `RepoDigests` lists it.
    public func familiarDigested(_ digest: String) -> String { familiarName + "@" + digest }

    /// What the manifest URL names: the digest when given, else the tag.
    public var manifestReference: String { digest ?? tag ?? "latest" }

    /// The host the registry API answers on (`registry-1.docker.io` for Docker Hub).
    public var registryHost: String { domain == Self.defaultDomain ? "registry-1.docker.io" : domain }

    /// The index name `docker info` and the credentials store use (`docker.io`, `10.0.0.3:5000`).
    public var indexName: String { domain }

    public var description: String {
        var out = familiarName
        if let tag { out += ":" + tag }
        if let digest { out += "@" + digest }
        return out
    }

    // MARK: grammar

    static func isDigest(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    static func isTag(_ text: String) -> Bool {
        guard let first = text.first, text.count <= 128, first.isASCII, first.isLetter || first.isNumber || first == "_"
        else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`
    static func isPathComponent(_ text: String) -> Bool {
        let chars = Array(text)
        guard let first = chars.first, let last = chars.last, isAlnum(first), isAlnum(last) else { return false }
        var i = 0
        while i < chars.count {
            if isAlnum(chars[i]) { i += 1; continue }
            var j = i
            while j < chars.count, !isAlnum(chars[j]) { j += 1 }
            let separator = String(chars[i..<j])
            guard separator == "." || separator == "_" || separator == "__" || separator.allSatisfy({ $0 == "-" })
            else { return false }
            i = j
        }
        return true
    }

    static func isDomain(_ text: String) -> Bool {
        var host = Substring(text)
        if let colon = host.lastIndex(of: ":"), !host.hasPrefix("[") || host[..<colon].hasSuffix("]") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(\.isNumber) else { return false }
            host = host[..<colon]
        }
        if host.hasPrefix("[") { return host.hasSuffix("]") }
        return !host.isEmpty && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let f = label.first, let l = label.last else { return false }
            return (f.isLetter || f.isNumber) && (l.isLetter || l.isNumber)
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    private static func isAlnum(_ c: Character) -> Bool {
        c.isASCII && (c.isNumber || (c.isLetter && c.isLowercase))
    }
}
