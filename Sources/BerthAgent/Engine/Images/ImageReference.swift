/// A `name[:tag]` image reference, normalised as docker shows it (`bb` → `bb:latest`).
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    public var repository: String
    public var tag: String

    public init(repository: String, tag: String) {
        self.repository = repository
        self.tag = tag
    }

    /// Parses `repo`, `repo:tag`, `host:5000/repo:tag`; strips `docker.io/library/`. Digests are not supported.
    public init?(parsing text: String) {
        var name = text
        for prefix in ["docker.io/library/", "docker.io/", "index.docker.io/library/"] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        }
        guard !name.isEmpty, !name.contains("@"), !name.contains(" ") else { return nil }
        let slash = name.lastIndex(of: "/")
        if let colon = name.lastIndex(of: ":"), slash.map({ colon > $0 }) ?? true {
            repository = String(name[..<colon])
            tag = String(name[name.index(after: colon)...])
        } else {
            repository = name
            tag = "latest"
        }
        guard !repository.isEmpty, !tag.isEmpty, repository == repository.lowercased() else { return nil }
    }

    public var description: String { "\(repository):\(tag)" }
}
