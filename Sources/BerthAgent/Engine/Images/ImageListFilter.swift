import BerthCore
import BerthImageFormat

/// The `filters` of `GET /images/json` (`docker images --filter`, docker-py's `images(name=, filters=)`):
/// `dangling`, `label` (`key` or `key=value`), `before` and `since` (an image), `reference` (Go's `path.Match`
/// patterns on `name:tag` and on `name`). With `reference`, an image's RepoTags are cut to those that match, as
/// dockerd does.
struct ImageListFilter: Sendable {
    static let known: Set<String> = ["dangling", "label", "before", "since", "reference"]
    let filters: FilterArgs
    /// `Created` of the `before` and `since` images.
    var before: Int?
    var since: Int?

    init(query: String?) throws {
        filters = try FilterArgs.parse(query)
        if let key = filters.unknownKey(among: Self.known) {
            throw APIError.invalidArgument("invalid filter '\(key)'")
        }
        for value in filters["dangling"] where !["true", "false", "1", "0"].contains(value.lowercased()) {
            throw APIError.invalidArgument("invalid filter 'dangling=\(value)'")
        }
    }

    /// The summary as the filters let it through (RepoTags cut by `reference`), or nil.
    func apply(_ image: ImageSummary) -> ImageSummary? {
        var image = image
        let tagged = !image.RepoTags.isEmpty
        if let dangling = filters["dangling"].first.map({ ["true", "1"].contains($0.lowercased()) }), dangling == tagged {
            return nil
        }
        guard filters.labelsMatch(image.Labels) else { return nil }
        if let before, image.Created >= before { return nil }
        if let since, image.Created <= since { return nil }
        let patterns = filters["reference"]
        if !patterns.isEmpty {
            let matching = image.RepoTags.filter { tag in
                patterns.contains { Self.reference($0, matches: tag) }
            }
            guard !matching.isEmpty else { return nil }
            image.RepoTags = matching
        }
        return image
    }

    /// Whether `pattern` matches `repo:tag` or its `repo` alone (`busybox`, `busybox:*`, `lab*/web`).
    static func reference(_ pattern: String, matches tag: String) -> Bool {
        if pathMatch(pattern, tag) { return true }
        guard let colon = tag.lastIndex(of: ":"), !tag[colon...].contains("/") else { return false }
        return pathMatch(pattern, String(tag[..<colon]))
    }

    /// Go's `path.Match`: the Dockerfile's glob (`Glob`) one `/`-separated segment at a time, so `*` and `?` never
    /// cross a `/`.
    static func pathMatch(_ pattern: String, _ name: String) -> Bool {
        let patterns = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let names = name.split(separator: "/", omittingEmptySubsequences: false)
        return patterns.count == names.count && zip(patterns, names).allSatisfy { Glob.match(String($0), String($1)) }
    }
}
