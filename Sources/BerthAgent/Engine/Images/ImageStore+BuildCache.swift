#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore

/// The classic builder's cache: a step's key (its parent image, its instruction, the build args it sees and, for
/// COPY and ADD, the digest of what it copies) names the image config that step made. A hit re-adds that config
/// (same bytes, same ID) when all its layers are still here, so a rebuild of an unchanged Dockerfile gives the image
/// it gave before, as dockerd's does. `docker builder prune` empties it.
extension ImageStore {
    var buildCacheDirectory: String { dataRoot + "/build-cache" }

    /// The image a step with `key` made before, re-registered; nil when there is none or a layer is gone.
    func cachedStep(_ key: String) -> String? {
        guard let data = FileManager.default.contents(atPath: buildCacheDirectory + "/" + key + ".json") else { return nil }
        return try? addImage(rawConfig: data)
    }

    /// Remembers that the step with `key` made image `id`.
    func recordStep(_ key: String, image id: String) {
        guard let data = try? rawConfig(of: id) else { return }
        try? FileManager.default.createDirectory(atPath: buildCacheDirectory, withIntermediateDirectories: true)
        try? data.write(to: URL(fileURLWithPath: buildCacheDirectory + "/" + key + ".json"), options: .atomic)
    }

    /// Forgets every cached step; returns their keys and the bytes the entries took.
    func pruneBuildCache() -> (keys: [String], bytes: Int) {
        let fm = FileManager.default
        var keys: [String] = []
        var bytes = 0
        for name in (try? fm.contentsOfDirectory(atPath: buildCacheDirectory)) ?? [] where name.hasSuffix(".json") {
            let path = buildCacheDirectory + "/" + name
            bytes += Int(FileSize.of(path) ?? 0)
            if (try? fm.removeItem(atPath: path)) != nil { keys.append(String(name.dropLast(5))) }
        }
        return (keys.sorted(), bytes)
    }

    /// The key of a build step (hex SHA-256 over its parts, each length-prefixed so no two lists collide).
    nonisolated static func buildCacheKey(_ parts: [String]) -> String {
        let digest = SHA256Digest()
        for part in parts {
            let bytes = Array(part.utf8)
            digest.update(Data("\(bytes.count):".utf8))
            digest.update(Data(bytes))
        }
        return digest.finalize()
    }
}
