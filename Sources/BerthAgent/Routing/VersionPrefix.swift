/// The optional `/v1.NN` prefix of an Engine API path.
enum VersionPrefix {
    /// Splits `/v1.47/containers/json` into `1.47` and `/containers/json`. A path without a version-shaped
    /// first segment is returned unchanged with a nil version.
    static func split(_ path: String) -> (version: APIVersion?, path: String) {
        guard path.hasPrefix("/v") else { return (nil, path) }
        let afterV = path.dropFirst(2)
        let end = afterV.firstIndex(of: "/") ?? afterV.endIndex
        guard let version = APIVersion(afterV[..<end]) else { return (nil, path) }
        let rest = afterV[end...]
        return (version, rest.isEmpty ? "/" : String(rest))
    }
}
