#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthImageFormat
import BerthRuntime
import Glibc

/// One row of `GET /images/{name}/history`.
public struct ImageHistoryItem: Codable, Sendable {
    public var Id: String
    public var Created: Int
    public var CreatedBy: String
    public var Tags: [String]?
    public var Size: Int
    public var Comment: String
}

extension ImageStore {
    /// `docker history`: the config's history, newest first; each non-empty step takes the next layer's size.
    public func history(_ name: String) throws -> [ImageHistoryItem] {
        let id = try resolve(name)
        let config = try config(of: id)
        var layers = config.rootfs.diff_ids[...]
        var rows: [ImageHistoryItem] = []
        let steps = config.history ?? config.rootfs.diff_ids.map { _ in ImageConfig.History(created: config.created) }
        for step in steps {
            var size = 0
            if !(step.empty_layer ?? false), let layer = layers.first {
                size = layerSize(layer)
                layers = layers.dropFirst()
            }
            rows.append(ImageHistoryItem(Id: "<missing>", Created: RFC3339Seconds.parse(step.created ?? config.created),
                                         CreatedBy: step.created_by ?? "", Tags: nil, Size: size,
                                         Comment: step.comment ?? ""))
        }
        rows.reverse()
        if !rows.isEmpty {
            rows[0].Id = id
            let tags = tags(of: id)
            rows[0].Tags = tags.isEmpty ? nil : tags
        }
        return rows
    }

    /// `<images>/<hex>.parent`: the image a commit or build step started from (kept beside the config, which does
    /// not name it; dockerd keeps it in its image metadata likewise).
    func parentPath(_ id: String) -> String { imagesDirectory + "/" + id.dropFirst(7) + ".parent" }

    /// Records the image `id` was made from (a commit's container image, a build step's previous image).
    func setParent(_ parent: String?, of id: String) {
        guard let parent, parent != id else { return }
        try? Data(parent.utf8).write(to: URL(fileURLWithPath: parentPath(id)), options: .atomic)
    }

    /// The image `id` was made from, "" when it was imported, loaded or pulled.
    func parent(of id: String) -> String {
        FileManager.default.contents(atPath: parentPath(id)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Drops an image nobody names (a build's intermediate step) and the layers no other image uses.
    func forget(_ id: String) {
        guard configs[id] != nil, tags(of: id).isEmpty else { return }
        try? FileManager.default.removeItem(atPath: imagesDirectory + "/" + id.dropFirst(7) + ".json")
        try? FileManager.default.removeItem(atPath: parentPath(id))
        let layers = configs[id]?.rootfs.diff_ids ?? []
        configs.removeValue(forKey: id)
        dropUnusedLayers(layers)
    }

    /// Removes the layers among `candidates` that no image refers to any more.
    func dropUnusedLayers(_ candidates: [String]) {
        let stillUsed = Set(configs.values.flatMap(\.rootfs.diff_ids))
        for layer in candidates where !stillUsed.contains(layer) {
            let base = layersDirectory + "/" + layer.dropFirst(7)
            for path in [base, base + ".json", base + ".tar", base + ".blob.json"] { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    /// Rebuilds `layers/<hex>.tar` from the unpacked directory (layers stored before tars were kept).
    func repackLayer(_ diffID: String) async throws {
        let directory = layersDirectory + "/" + diffID.dropFirst(7)
        let target = layerTarPath(diffID)
        try await Blocking.run {
            let sink = try FileSink(path: target + ".partial")
            try LayerPacker.pack(directory, as: ".", overlayWhiteouts: true) { try sink.write($0) }
            try sink.close()
            try FileManager.default.moveItem(atPath: target + ".partial", toPath: target)
        }
    }

    /// Metadata of `path` (relative, `usr/local`) in the image's merged layers, nil when absent or deleted.
    func lookup(_ path: String, in id: String) throws -> TarEntry? {
        let directories = try layerDirectories(of: id)
        let parts = TarEntry.clean(path).split(separator: "/")
        for directory in directories {
            // a whiteout of the path or of a parent in a higher layer hides it
            var current = directory
            var hidden = false
            for part in parts {
                current += "/" + part
                var st = stat()
                if lstat(current, &st) == 0, (st.st_mode & S_IFMT) == S_IFCHR, st.st_rdev == 0 { hidden = true; break }
            }
            if hidden { return nil }
            var st = stat()
            if lstat(directory + "/" + parts.joined(separator: "/"), &st) == 0 {
                let kind = st.st_mode & S_IFMT
                return TarEntry(path: String(path), type: kind == S_IFDIR ? .directory : kind == S_IFLNK ? .symlink : .file,
                                mode: UInt32(st.st_mode & 0o7777), uid: Int(st.st_uid), gid: Int(st.st_gid),
                                mtime: st.st_mtim.tv_sec)
            }
        }
        return nil
    }
}
