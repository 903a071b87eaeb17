#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthImageFormat
import BerthRuntime
import Glibc

/// Images on disk: layers unpacked once per digest under `<dataRoot>/layers/<hex>/`, configs under
/// `<dataRoot>/images/<hex>.json`, and the names in `<dataRoot>/images/repositories.json`, written atomically.
public actor ImageStore {
    let dataRoot: String
    private var references: [String: String] = [:]
    var configs: [String: ImageConfig] = [:]
    private var tagTimes: [String: String] = [:]
    /// `name@sha256:…` (the manifest a pull or push saw) → image ID, for `RepoDigests`.
    private var digests: [String: String] = [:]

    var layersDirectory: String { dataRoot + "/layers" }
    var imagesDirectory: String { dataRoot + "/images" }
    var indexPath: String { imagesDirectory + "/repositories.json" }
    var digestsPath: String { imagesDirectory + "/digests.json" }

    public init(dataRoot: String) {
        self.dataRoot = dataRoot
        let fm = FileManager.default
        try? fm.createDirectory(atPath: dataRoot + "/layers", withIntermediateDirectories: true)
        try? fm.createDirectory(atPath: dataRoot + "/images", withIntermediateDirectories: true)
        if let data = fm.contents(atPath: dataRoot + "/images/repositories.json"),
           let index = try? JSONDecoder().decode([String: String].self, from: data) {
            references = index
        }
        if let data = fm.contents(atPath: dataRoot + "/images/digests.json"),
           let index = try? JSONDecoder().decode([String: String].self, from: data) {
            digests = index
        }
        for file in (try? fm.contentsOfDirectory(atPath: dataRoot + "/images")) ?? []
        where file.hasSuffix(".json") && file != "repositories.json" && file != "digests.json" {
            guard let data = fm.contents(atPath: dataRoot + "/images/" + file),
                  let config = try? JSONDecoder().decode(ImageConfig.self, from: data) else { continue }
            configs["sha256:" + file.dropLast(5)] = config
        }
    }

    /// How many images there are (for `/info`).
    public var count: Int { configs.count }

    // MARK: lookup

    /// The ID of `name`: a reference (`bb`, `bb:1`) or an ID or its unique prefix.
    public func resolve(_ name: String) throws -> String {
        if let ref = ImageReference(parsing: name), let id = references[ref.description] { return id }
        if name.contains("@"), let ref = try? DistributionReference(parsing: name), let digest = ref.digest,
           let id = digests[ref.familiarDigested(digest)] { return id }
        let hex = name.hasPrefix("sha256:") ? String(name.dropFirst(7)) : name
        if !hex.isEmpty, hex.allSatisfy(\.isHexDigit) {
            let matches = configs.keys.filter { $0.dropFirst(7).hasPrefix(hex) }
            if matches.count == 1 { return matches[0] }
        }
        throw ImageStoreError.noSuchImage(name)
    }

    public func config(of id: String) throws -> ImageConfig {
        guard let config = configs[id] else { throw ImageStoreError.noSuchImage(id) }
        return config
    }

    /// The unpacked layer directories of an image, topmost first (overlayfs `lowerdir` order).
    public func layerDirectories(of id: String) throws -> [String] {
        try config(of: id).rootfs.diff_ids.reversed().map { layersDirectory + "/" + $0.dropFirst(7) }
    }

    public func tags(of id: String) -> [String] {
        references.filter { $0.value == id }.map(\.key).sorted()
    }

    // MARK: import

    /// `docker import`: a rootfs tar becomes a one-layer image, tagged `repo:tag` when given.
    public func importRootfs(tarPath: String, reference: ImageReference?, comment: String?,
                             changes: ContainerConfig?) async throws -> String {
        let diffID = try await storeLayer(tarPath: tarPath)
        let now = Timestamp.now()
        let config = ImageConfig(
            architecture: "amd64", os: "linux", created: now, comment: comment ?? "Imported from -",
            config: changes,
            rootfs: .init(type: "layers", diff_ids: [diffID]),
            history: [.init(created: now, created_by: nil, comment: comment ?? "Imported from -")])
        let id = try save(config)
        if let reference { try setReference(reference, to: id) }
        return id
    }

    /// Unpacks a layer tar once per digest (whiteouts in overlayfs form) and keeps the tar itself under
    /// `layers/<hex>.tar` for `docker save`; returns its `sha256:` diff ID. The tar at `tarPath` is moved away.
    func storeLayer(tarPath: String, knownDiffID: String? = nil) async throws -> String {
        let diffID: String
        if let knownDiffID { diffID = knownDiffID } else { diffID = try await Blocking.run { try Digest.sha256(file: tarPath) } }
        let hex = String(diffID.dropFirst(7))
        let target = layersDirectory + "/" + hex
        let fm = FileManager.default
        if fm.fileExists(atPath: target) {
            try? fm.removeItem(atPath: tarPath)
            return diffID
        }
        let partial = target + ".partial"
        try? fm.removeItem(atPath: partial)
        try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
        let size = FileSize.of(tarPath) ?? 0
        try await Blocking.run {
            let input = try FileTarInput(path: tarPath)
            defer { input.close() }
            var reader = TarReader(input)
            do {
                try LayerUnpacker.unpack(&reader, into: partial, whiteouts: .overlay)
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw ImageStoreError.unpackFailed(String(describing: error))
            }
        }
        try? fm.removeItem(atPath: target + ".tar")
        try fm.moveItem(atPath: tarPath, toPath: target + ".tar")
        try Data("{\"size\":\(size)}\n".utf8).write(to: URL(fileURLWithPath: target + ".json"), options: .atomic)
        try fm.moveItem(atPath: partial, toPath: target)
        return diffID
    }

    /// Whether a layer is unpacked here.
    func hasLayer(_ diffID: String) -> Bool {
        FileManager.default.fileExists(atPath: layersDirectory + "/" + diffID.dropFirst(7))
    }

    /// Whether an image and all its layers are here.
    func isComplete(_ id: String) -> Bool {
        guard let config = configs[id] else { return false }
        return config.rootfs.diff_ids.allSatisfy(hasLayer)
    }

    /// Records `name@digest` for an image (after a pull or a push).
    func addDigest(_ repoDigest: String, to id: String) throws {
        digests[repoDigest] = id
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(digests).write(to: URL(fileURLWithPath: digestsPath), options: .atomic)
    }

    func repoDigests(of id: String) -> [String] {
        digests.filter { $0.value == id }.map(\.key).sorted()
    }

    /// The compressed blob a layer was last seen as in a registry (what a push can skip re-sending), keyed by the
    /// registry's authority and then the blob's digest and size.
    struct BlobRecord: Codable, Sendable { var digest: String; var size: Int64; var mediaType: String }

    func blobRecord(_ diffID: String) -> BlobRecord? {
        let path = layersDirectory + "/" + diffID.dropFirst(7) + ".blob.json"
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(BlobRecord.self, from: data)
    }

    func setBlobRecord(_ record: BlobRecord, for diffID: String) {
        let path = layersDirectory + "/" + diffID.dropFirst(7) + ".blob.json"
        try? JSONEncoder().encode(record).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The tar of a layer as it was stored (its digest is the diff ID).
    func layerTarPath(_ diffID: String) -> String {
        layersDirectory + "/" + diffID.dropFirst(7) + ".tar"
    }

    /// Stores an image config as given (its bytes decide the ID); checks that its layers are present.
    func addImage(rawConfig data: Data) throws -> String {
        let config: ImageConfig
        do {
            config = try JSONDecoder().decode(ImageConfig.self, from: data)
        } catch {
            throw APIError.invalidArgument("invalid image config: \(error)")
        }
        for layer in config.rootfs.diff_ids where !FileManager.default.fileExists(atPath: layersDirectory + "/" + layer.dropFirst(7)) {
            throw APIError.invalidArgument("layer \(layer) of the image is missing")
        }
        let id = Digest.sha256(data)
        try data.write(to: URL(fileURLWithPath: imagesDirectory + "/" + id.dropFirst(7) + ".json"), options: .atomic)
        configs[id] = config
        return id
    }

    /// The raw config JSON of an image (what its ID is the digest of).
    func rawConfig(of id: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: imagesDirectory + "/" + id.dropFirst(7) + ".json") else {
            throw ImageStoreError.noSuchImage(id)
        }
        return data
    }

    /// Stores a config built here (the builder's steps).
    func addImage(config: ImageConfig) throws -> String { try save(config) }

    /// All references and the image each names.
    func allReferences() -> [(reference: String, id: String)] {
        references.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func layerSize(_ diffID: String) -> Int {
        struct Info: Decodable { var size: Int }
        let path = layersDirectory + "/" + diffID.dropFirst(7) + ".json"
        guard let data = FileManager.default.contents(atPath: path),
              let info = try? JSONDecoder().decode(Info.self, from: data) else { return 0 }
        return info.size
    }

    private func save(_ config: ImageConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(config)
        let id = Digest.sha256(data)
        try data.write(to: URL(fileURLWithPath: imagesDirectory + "/" + id.dropFirst(7) + ".json"), options: .atomic)
        configs[id] = config
        return id
    }

    private func addDigestsIndex() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(digests).write(to: URL(fileURLWithPath: digestsPath), options: .atomic)
    }

    private func writeIndex() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(references).write(to: URL(fileURLWithPath: indexPath), options: .atomic)
    }

    // MARK: names

    public func setReference(_ reference: ImageReference, to id: String) throws {
        references[reference.description] = id
        tagTimes[reference.description] = Timestamp.now()
        try writeIndex()
    }

    /// `docker tag`.
    public func tag(source: String, repository: String, tag: String?) throws {
        let id = try resolve(source)
        let text = repository + ((tag?.isEmpty ?? true) ? "" : ":" + tag!)
        guard let reference = ImageReference(parsing: text) else { throw ImageStoreError.invalidReference(text) }
        try setReference(reference, to: id)
    }

    /// `docker rmi`: untags a reference, and deletes the image once no name and no container refers to it.
    public func remove(_ name: String, force: Bool, usedBy: [String: String]) throws -> [ImageDeleteItem] {
        let id = try resolve(name)
        var items: [ImageDeleteItem] = []
        let names = tags(of: id)
        if let ref = ImageReference(parsing: name), references[ref.description] == id, names.count > 1 {
            references.removeValue(forKey: ref.description)
            try writeIndex()
            return [ImageDeleteItem(Untagged: ref.description)]
        }
        if let container = usedBy[id], !force {
            throw ImageStoreError.inUse(reference: name, container: container, image: id)
        }
        for reference in names {
            references.removeValue(forKey: reference)
            items.append(ImageDeleteItem(Untagged: reference))
        }
        try writeIndex()
        if usedBy[id] == nil {
            try? FileManager.default.removeItem(atPath: imagesDirectory + "/" + id.dropFirst(7) + ".json")
            let layers = configs[id]?.rootfs.diff_ids ?? []
            configs.removeValue(forKey: id)
            if digests.values.contains(id) {
                digests = digests.filter { $0.value != id }
                try? addDigestsIndex()
            }
            dropUnusedLayers(layers)
            items.append(ImageDeleteItem(Deleted: id))
        }
        return items
    }

    /// `POST /images/prune`: removes the untagged images (every image with `dangling=false`) that no container
    /// uses and the filter selects. The space is the size of the removed images' layers.
    func prune(_ filter: PruneFilter, usedBy: [String: String]) -> ImagePruneReport {
        var items: [ImageDeleteItem] = []
        var space: Int64 = 0
        for (id, config) in configs.sorted(by: { $0.key < $1.key }) where usedBy[id] == nil {
            guard !filter.dangling || tags(of: id).isEmpty,
                  filter.matches(created: RFC3339Seconds.parse(config.created), labels: config.config?.Labels ?? [:])
            else { continue }
            let size = Int64(size(of: config))
            guard let removed = try? remove(id, force: false, usedBy: usedBy) else { continue }
            items += removed
            if removed.contains(where: { $0.Deleted != nil }) { space += size }
        }
        return ImagePruneReport(ImagesDeleted: items.isEmpty ? nil : items, SpaceReclaimed: space)
    }

    // MARK: views

    public func summaries(containers: [String: Int]) -> [ImageSummary] {
        configs.keys.compactMap { id in
            guard var summary = try? summary(id: id) else { return nil }
            summary.Containers = containers[id] ?? 0
            return summary
        }.sorted { $0.Created > $1.Created }
    }

    /// The list entry of one image (`before`/`since` filters).
    public func summary(of name: String) throws -> ImageSummary {
        try summary(id: try resolve(name))
    }

    private func summary(id: String) throws -> ImageSummary {
        let config = try config(of: id)
        return ImageSummary(Id: id, ParentId: parent(of: id), RepoTags: tags(of: id), RepoDigests: repoDigests(of: id),
                            Created: RFC3339Seconds.parse(config.created), Size: size(of: config), SharedSize: -1,
                            VirtualSize: size(of: config), Labels: config.config?.Labels ?? [:], Containers: 0)
    }

    public func inspect(_ name: String) throws -> ImageInspect {
        let id = try resolve(name)
        let config = try config(of: id)
        return ImageInspect(
            Id: id, RepoTags: tags(of: id), RepoDigests: repoDigests(of: id), Parent: parent(of: id), Comment: config.comment ?? "",
            Created: config.created, DockerVersion: "", Author: config.author ?? "", Config: ImageConfigView(config.config ?? ContainerConfig()),
            Architecture: config.architecture, Os: config.os, Size: size(of: config), VirtualSize: size(of: config),
            GraphDriver: .init(Name: "overlay2", Data: [
                "LowerDir": (try? layerDirectories(of: id).joined(separator: ":")) ?? "",
            ]),
            RootFS: .init(Type: "layers", Layers: config.rootfs.diff_ids))
    }

    private func size(of config: ImageConfig) -> Int {
        config.rootfs.diff_ids.reduce(0) { $0 + layerSize($1) }
    }
}

/// Seconds since the epoch of an RFC 3339 time (`2026-11-27T06:35:13.123Z`); 0 when unparsable.
enum RFC3339Seconds {
    static func parse(_ text: String) -> Int {
        let digits = text.split(whereSeparator: { !$0.isNumber }).prefix(6).compactMap { Int($0) }
        guard digits.count == 6 else { return 0 }
        var parts = tm()
        parts.tm_year = Int32(digits[0] - 1900)
        parts.tm_mon = Int32(digits[1] - 1)
        parts.tm_mday = Int32(digits[2])
        parts.tm_hour = Int32(digits[3])
        parts.tm_min = Int32(digits[4])
        parts.tm_sec = Int32(digits[5])
        return Int(timegm(&parts))
    }
}
