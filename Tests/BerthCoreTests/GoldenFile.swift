import Foundation

/// Expected outputs kept under Golden/ (bundled as a resource).
/// Run with BERTH_UPDATE_GOLDEN=1 to rewrite them from the current output, then review the diff.
enum GoldenFile {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String { "golden file \(name) is missing; run with BERTH_UPDATE_GOLDEN=1" }
    }

    static func sourceURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
            .appendingPathComponent(name)
    }

    /// The golden text for `name`, or `actual` itself after writing it when updating.
    static func expected(_ name: String, actual: String) throws -> String {
        if ProcessInfo.processInfo.environment["BERTH_UPDATE_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: sourceURL(name))
            return actual
        }
        guard let dir = Bundle.module.url(forResource: "Golden", withExtension: nil) else { throw Missing(name: name) }
        let url = dir.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Missing(name: name) }
        return String(decoding: data, as: UTF8.self)
    }
}
