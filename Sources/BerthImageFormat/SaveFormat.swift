/// The `docker save` archive: `manifest.json` (a list of these), `repositories`, the config JSON of each image
/// and one tar per layer.
public struct SaveManifestEntry: Codable, Sendable, Equatable {
    /// Path of the config JSON inside the archive (`<hex>.json` or `blobs/sha256/<hex>`).
    public var Config: String
    public var RepoTags: [String]?
    /// Paths of the layer tars, bottom first.
    public var Layers: [String]

    public init(Config: String, RepoTags: [String]?, Layers: [String]) {
        self.Config = Config
        self.RepoTags = RepoTags
        self.Layers = Layers
    }

    enum CodingKeys: String, CodingKey { case Config, RepoTags, Layers }

    /// As dockerd writes it: an untagged image's `RepoTags` is `null`, not left out.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Config, forKey: .Config)
        if let RepoTags { try c.encode(RepoTags, forKey: .RepoTags) } else { try c.encodeNil(forKey: .RepoTags) }
        try c.encode(Layers, forKey: .Layers)
    }
}

public enum SaveFormat {
    /// The archive paths docker (before 25) uses: `<config hex>.json` and `<layer hex>/layer.tar`.
    public static func configPath(_ id: String) -> String { hex(id) + ".json" }
    public static func layerPath(_ diffID: String) -> String { hex(diffID) + "/layer.tar" }

    /// `repositories`: `{"repo": {"tag": "<id hex>"}}` for every tagged image.
    public static func repositories(_ tags: [(reference: String, id: String)]) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for (reference, id) in tags {
            let slash = reference.lastIndex(of: "/")
            guard let colon = reference.lastIndex(of: ":"), slash.map({ colon > $0 }) ?? true else { continue }
            out[String(reference[..<colon]), default: [:]][String(reference[reference.index(after: colon)...])] = hex(id)
        }
        return out
    }

    static func hex(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
    }
}
