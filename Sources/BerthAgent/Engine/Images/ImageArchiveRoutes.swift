#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthImageFormat
import BerthRuntime
import NIOCore
import NIOHTTP1

/// `docker save`, `docker load` and `docker history`.
enum ImageArchiveRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let images = context.images
        router.get("/images/get") { request in
            try await save(names: request.query.values("names"), images: images)
        }
        router.get("/images/{name*}/get") { request in
            try await save(names: [try request.parameter("name")], images: images)
        }
        router.post("/images/load") { request in
            try await load(request, context: context)
        }
        router.get("/images/{name*}/history") { request in
            try .json(await images.history(try request.parameter("name")))
        }
    }

    // MARK: save

    /// Streams a docker-save archive: `<layer hex>/layer.tar`, `<config hex>.json`, `manifest.json`, `repositories`.
    static func save(names: [String], images: ImageStore) async throws -> Response {
        guard !names.isEmpty else { throw APIError.invalidArgument("no images specified") }
        var manifest: [SaveManifestEntry] = []
        var tagged: [(reference: String, id: String)] = []
        var configs: [(String, Data)] = []
        var layers: [String] = []
        // As dockerd: a repository without a tag saves each of its tags; an ID saves the image untagged.
        var expanded: [String] = []
        let references = await images.allReferences().map(\.reference)
        for name in names {
            let last = name.split(separator: "/").last ?? ""
            if !last.contains(":"), !last.contains("@"), let ref = ImageReference(parsing: name),
               let colon = ref.description.lastIndex(of: ":") {
                let repository = ref.description[..<colon] + ":"
                let tagged = references.filter { $0.hasPrefix(repository) }
                if !tagged.isEmpty {
                    expanded += tagged
                    continue
                }
            }
            expanded.append(name)
        }
        for name in expanded {
            let id = try await images.resolve(name)
            let config = try await images.config(of: id)
            let raw = try await images.rawConfig(of: id)
            var tags: [String] = []
            if let ref = ImageReference(parsing: name), (await images.tags(of: id)).contains(ref.description) {
                tags = [ref.description]
            }
            if let existing = manifest.firstIndex(where: { $0.Config == SaveFormat.configPath(id) }) {
                manifest[existing].RepoTags = Array(Set((manifest[existing].RepoTags ?? []) + tags)).sorted()
            } else {
                manifest.append(SaveManifestEntry(Config: SaveFormat.configPath(id), RepoTags: tags.isEmpty ? nil : tags,
                                                  Layers: config.rootfs.diff_ids.map(SaveFormat.layerPath)))
                configs.append((id, raw))
            }
            tagged += tags.map { ($0, id) }
            for layer in config.rootfs.diff_ids where !layers.contains(layer) { layers.append(layer) }
        }
        var collected: [(String, String)] = []
        for layer in layers {
            let path = await images.layerTarPath(layer)
            if !FileManager.default.fileExists(atPath: path) { try await images.repackLayer(layer) }
            collected.append((layer, path))
        }
        let layerFiles = collected
        let configFiles = configs
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let manifestData = try encoder.encode(manifest)
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let repositoriesData = try encoder.encode(SaveFormat.repositories(tagged))
        let now = Int(Date().timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-tar")
        return Response(headers: headers, body: .stream { writer in
            func send(_ bytes: [UInt8]) async throws { try await writer.write(writer.allocator.buffer(bytes: bytes)) }
            for (layer, path) in layerFiles {
                let dir = String(layer.dropFirst(7))
                try await send(TarWriter.header(TarEntry(path: dir, type: .directory, mode: 0o755, mtime: now)))
                try await send(TarWriter.header(TarEntry(path: dir + "/VERSION", type: .file, size: 3, mtime: now))
                               + Array("1.0".utf8) + TarWriter.padding(3))
                let size = FileSize.of(path) ?? 0
                try await send(TarWriter.header(TarEntry(path: dir + "/layer.tar", type: .file, size: size, mtime: now)))
                var input = try FileTarInput(path: path)
                defer { input.close() }
                var left = size
                while left > 0 {
                    let chunk = try input.read(min(left, 1 << 20))
                    guard !chunk.isEmpty else { throw LayerError.io("\(path) shrank while being read", 5) }
                    left -= chunk.count
                    try await send(chunk)
                }
                try await send(TarWriter.padding(size))
            }
            for (id, raw) in configFiles {
                let bytes = [UInt8](raw)
                try await send(TarWriter.header(TarEntry(path: SaveFormat.configPath(id), type: .file, size: bytes.count,
                                                         mtime: now)) + bytes + TarWriter.padding(bytes.count))
            }
            for (name, data) in [("manifest.json", manifestData), ("repositories", repositoriesData)] {
                let bytes = [UInt8](data)
                try await send(TarWriter.header(TarEntry(path: name, type: .file, size: bytes.count, mtime: now))
                               + bytes + TarWriter.padding(bytes.count))
            }
            try await send(TarWriter.end)
        })
    }

    // MARK: load

    /// `POST /images/load`: a docker-save archive (classic or OCI layout) in the body. As with dockerd the answer is
    /// a JSON stream (200) whatever happens: `Loading layer` progress unless `quiet`, a `Loaded image` line per tag,
    /// and a problem with the archive as the stream's error line.
    static func load(_ request: Request, context: EngineContext) async throws -> Response {
        let body = [UInt8](request.body.readableBytesView)
        let quiet = request.query.bool("quiet")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return Response(headers: headers, body: .stream { writer in
            do {
                try await loadArchive(body, context: context, quiet: quiet) { try? await writer.write($0) }
            } catch {
                try? await writer.write(ProgressMessage.error(APIError(from: error).message))
            }
        })
    }

    static func loadArchive(_ body: [UInt8], context: EngineContext, quiet: Bool,
                            say: @escaping (String) async -> Void) async throws {
        let images = context.images
        let tmp = context.configuration.dataRoot + "/tmp/load-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        // Small members (manifest, configs) are kept in memory; layer tars go to files.
        let (small, files) = try await Blocking.run { () throws -> ([String: [UInt8]], [String: String]) in
            var small: [String: [UInt8]] = [:]
            var files: [String: String] = [:]
            var reader = TarReader(TarBytes(body))
            var count = 0
            do {
                while let entry = try reader.next() {
                    guard entry.type == .file else { continue }
                    if entry.size < 1 << 20, !entry.path.hasSuffix("layer.tar") {
                        small[entry.path] = try reader.readContents()
                    } else {
                        count += 1
                        let path = tmp + "/\(count).tar"
                        let sink = try FileSink(path: path)
                        try reader.readContents { try sink.write($0) }
                        try sink.close()
                        files[entry.path] = path
                    }
                }
            } catch let error as TarError {
                throw APIError.invalidArgument("invalid tar archive: \(error)")
            }
            return (small, files)
        }
        guard let manifestBytes = small["manifest.json"] else {
            throw APIError.invalidArgument("invalid archive: manifest.json not found (is this a docker save archive?)")
        }
        let manifest: [SaveManifestEntry]
        do {
            manifest = try JSONDecoder().decode([SaveManifestEntry].self, from: Data(manifestBytes))
        } catch {
            throw APIError.invalidArgument("invalid manifest.json: \(error)")
        }
        var stored: [String: String] = [:]  // archive path -> diff ID
        for item in manifest {
            guard let raw = small[TarEntry.clean(item.Config)] else {
                throw APIError.invalidArgument("invalid archive: config \(item.Config) not found")
            }
            let config = try JSONDecoder().decode(ImageConfig.self, from: Data(raw))
            guard config.rootfs.diff_ids.count == item.Layers.count else {
                throw APIError.invalidArgument("invalid manifest, layers length mismatch: expected \(config.rootfs.diff_ids.count), got \(item.Layers.count)")
            }
            for (index, layerPath) in item.Layers.enumerated() {
                let key = TarEntry.clean(layerPath)
                if let diffID = stored[key] {
                    guard diffID == config.rootfs.diff_ids[index] else { throw layerMismatch(layerPath) }
                    continue
                }
                let path: String
                if let file = files[key] {
                    path = file
                } else if let bytes = small[key] {
                    path = tmp + "/small-\(index).tar"
                    try Data(bytes).write(to: URL(fileURLWithPath: path))
                } else {
                    throw APIError.invalidArgument("invalid archive: layer \(layerPath) not found")
                }
                let diffID = try await Blocking.run { try Digest.sha256(file: path) }
                guard diffID == config.rootfs.diff_ids[index] else { throw layerMismatch(layerPath) }
                let isNew = await !images.hasLayer(diffID)
                let size = Int64(FileSize.of(path) ?? 0)
                _ = try await images.storeLayer(tarPath: path)
                stored[key] = diffID
                if !quiet, isNew {
                    await say(ProgressMessage("Loading layer", id: ProgressMessage.shortID(diffID), detail: true,
                                              current: size, total: size).line)
                }
            }
            let id = try await images.addImage(rawConfig: Data(raw))
            if let tags = item.RepoTags, !tags.isEmpty {
                for tag in tags {
                    guard let reference = ImageReference(parsing: tag) else { throw ImageStoreError.invalidReference(tag) }
                    try await images.setReference(reference, to: id)
                    await say(BuildMessage.stream("Loaded image: \(reference)\n"))
                }
            } else {
                await say(BuildMessage.stream("Loaded image ID: \(id)\n"))
            }
        }
    }

    static func layerMismatch(_ path: String) -> APIError {
        .invalidArgument("invalid archive: layer \(path) does not match the diff ID in the image config")
    }
}

/// The JSON messages of docker's progress streams (build, load).
enum BuildMessage {
    static func stream(_ text: String) -> String { encode(["stream": text]) + "\n" }

    static func error(_ message: String, code: Int? = nil) -> String {
        var detail = #"{"message":"# + quote(message) + "}"
        if let code { detail = #"{"code":\#(code),"message":"# + quote(message) + "}" }
        return #"{"errorDetail":"# + detail + #","error":"# + quote(message) + "}\n"
    }

    static func aux(id: String) -> String { #"{"aux":{"ID":"# + quote(id) + "}}\n" }

    static func encode(_ object: [String: String]) -> String {
        "{" + object.sorted { $0.key < $1.key }.map { quote($0.key) + ":" + quote($0.value) }.joined(separator: ",") + "}"
    }

    static func quote(_ text: String) -> String { JSONText.string(text) }
}
