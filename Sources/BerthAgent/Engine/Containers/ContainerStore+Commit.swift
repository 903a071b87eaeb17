#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthImageFormat
import BerthRuntime
import CImageShim
import Glibc

/// One entry of `GET /containers/{id}/changes`: Kind 0 modified, 1 added, 2 deleted.
struct ContainerChange: Codable, Sendable, Equatable {
    var Path: String
    var Kind: Int
}

/// What `POST /commit` asks for besides the container.
struct CommitRequest: Sendable {
    var repository: ImageReference?
    var comment: String
    var author: String
    var pause: Bool
    /// The body: config fields that replace the container's.
    var config: ContainerConfig?
    /// `--change` lines (Dockerfile instructions that only set config).
    var changes: [String]
}

/// `docker diff` and `docker commit` over the container's writable overlay layer.
extension ContainerStore {
    /// The container's changes against its image, sorted by path, as dockerd's overlay2 driver reports them.
    func changes(_ reference: String) async throws -> [ContainerChange] {
        let record = try find(reference)
        guard storageDriver == .overlay2 else {
            throw APIError.notImplemented("docker diff needs the overlay2 storage driver")
        }
        let upper = paths(record.id).upper
        let lower = try await images.layerDirectories(of: record.imageID)
        return try await Blocking.run { OverlayChanges.scan(upper: upper, lower: lower) }
    }

    /// Makes an image of the container's image plus its writable layer; returns the new image's ID.
    func commit(_ reference: String, _ request: CommitRequest) async throws -> String {
        let record = try find(reference)
        guard storageDriver == .overlay2 else {
            throw APIError.notImplemented("docker commit needs the overlay2 storage driver")
        }
        var config = Self.merged(record.config, with: request.config)
        config = try CommitChanges.apply(request.changes, to: config)
        let freeze = request.pause && record.state.Running && !record.state.Paused
        let groups = cgroups(record.id)
        if freeze { try? await Blocking.run { try groups.freeze(true) } }
        let upper = paths(record.id).upper
        let diffID: String
        do {
            let tmp = dataRoot + "/tmp"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            let tar = tmp + "/commit-\(UUID().uuidString).tar"
            defer { try? FileManager.default.removeItem(atPath: tar) }
            try await Blocking.run {
                let sink = try FileSink(path: tar)
                do {
                    try LayerPacker.pack(upper, as: ".", overlayWhiteouts: true,
                                         skip: OverlayChanges.runtimeEntries(upper)) { try sink.write($0) }
                } catch {
                    try? sink.close()
                    throw error
                }
                try sink.close()
            }
            if freeze { try? await Blocking.run { try groups.freeze(false) } }
            diffID = try await images.storeLayer(tarPath: tar)
        } catch {
            if freeze { try? await Blocking.run { try groups.freeze(false) } }
            throw error
        }
        var image = try await images.config(of: record.imageID)
        let now = Timestamp.now()
        image.created = now
        image.config = config
        image.comment = request.comment.isEmpty ? nil : request.comment
        image.author = request.author.isEmpty ? nil : request.author
        image.rootfs.diff_ids.append(diffID)
        image.history = (image.history ?? []) + [.init(
            created: now, created_by: ([record.path] + record.args).joined(separator: " "),
            comment: request.comment.isEmpty ? nil : request.comment, empty_layer: nil)]
        let id = try await images.addImage(config: image)
        await images.setParent(record.imageID, of: id)
        if let repository = request.repository { try await images.setReference(repository, to: id) }
        emit("commit", record, request.comment.isEmpty ? [:] : ["comment": request.comment])
        return id
    }

    /// The container's config with the fields the request's body sets put over it (dockerd's merge).
    static func merged(_ base: ContainerConfig, with given: ContainerConfig?) -> ContainerConfig {
        guard let given else { return base }
        var c = base
        if let v = given.Cmd { c.Cmd = v }
        if let v = given.Entrypoint { c.Entrypoint = v }
        if let v = given.Env { c.Env = v }
        if let v = given.Labels { c.Labels = (c.Labels ?? [:]).merging(v) { $1 } }
        if let v = given.WorkingDir, !v.isEmpty { c.WorkingDir = v }
        if let v = given.User, !v.isEmpty { c.User = v }
        if let v = given.ExposedPorts { c.ExposedPorts = (c.ExposedPorts ?? [:]).merging(v) { $1 } }
        if let v = given.Volumes { c.Volumes = (c.Volumes ?? [:]).merging(v) { $1 } }
        if let v = given.StopSignal, !v.isEmpty { c.StopSignal = v }
        if let v = given.Healthcheck { c.Healthcheck = v }
        return c
    }
}

/// `docker commit --change`: the config-only Dockerfile instructions dockerd accepts there.
enum CommitChanges {
    static func apply(_ lines: [String], to config: ContainerConfig) throws -> ContainerConfig {
        var c = config
        for raw in lines {
            let line = raw.trimmedSpace
            guard !line.isEmpty else { continue }
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let keyword = parts[0].uppercased()
            let rest = parts.count > 1 ? parts[1].trimmedSpace : ""
            switch keyword {
            case "CMD": c.Cmd = try command(rest)
            case "ENTRYPOINT": c.Entrypoint = try command(rest)
            case "ENV":
                for (k, v) in try pairs(rest, keyword) {
                    var env = c.Env ?? []
                    env.removeAll { $0 == k || $0.hasPrefix(k + "=") }
                    env.append(k + "=" + v)
                    c.Env = env
                }
            case "LABEL": for (k, v) in try pairs(rest, keyword) { c.Labels = (c.Labels ?? [:]).merging([k: v]) { $1 } }
            case "WORKDIR": c.WorkingDir = rest
            case "USER": c.User = rest
            case "STOPSIGNAL": c.StopSignal = rest
            case "EXPOSE":
                for port in rest.split(separator: " ") {
                    let p = port.contains("/") ? String(port) : port + "/tcp"
                    c.ExposedPorts = (c.ExposedPorts ?? [:]).merging([p: EmptyObject()]) { $1 }
                }
            case "VOLUME":
                let list = rest.hasPrefix("[") ? try json(rest) : rest.split(separator: " ").map(String.init)
                for v in list { c.Volumes = (c.Volumes ?? [:]).merging([v: EmptyObject()]) { $1 } }
            default:
                throw APIError.invalidArgument("\(keyword) is not a valid change command")
            }
        }
        return c
    }

    static func command(_ rest: String) throws -> [String] {
        rest.hasPrefix("[") ? try json(rest) : ["/bin/sh", "-c", rest]
    }

    static func json(_ text: String) throws -> [String] {
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw APIError.invalidArgument("invalid JSON array in change: \(text)")
        }
        return list
    }

    static func pairs(_ rest: String, _ keyword: String) throws -> [(String, String)] {
        if !rest.contains("=") {
            let kv = rest.split(maxSplits: 1, whereSeparator: { $0 == " " })
            guard kv.count == 2 else { throw APIError.invalidArgument("\(keyword) requires two arguments") }
            return [(String(kv[0]), String(kv[1]))]
        }
        return try rest.split(separator: " ").map { word in
            guard let eq = word.firstIndex(of: "=") else { throw APIError.invalidArgument("\(keyword) names must have a value: \(word)") }
            var value = String(word[word.index(after: eq)...])
            if value.count >= 2, value.first == "\"", value.last == "\"" { value = String(value.dropFirst().dropLast()) }
            return (String(word[..<eq]), value)
        }
    }
}

/// Reads an overlay upper directory against its lower layers.
enum OverlayChanges {
    /// What the runtime put into the upper layer for itself: empty `/proc`, `/dev`, `/sys` mount points and the
    /// empty `/etc/hosts`, `/etc/resolv.conf`, `/etc/hostname` it binds the sandbox's files over (dockerd keeps
    /// them in an init layer no diff or commit sees). Relative to the upper directory.
    static func runtimeEntries(_ upper: String) -> Set<String> {
        var skip: Set<String> = []
        for name in ["proc", "dev", "sys"] {
            if let contents = try? FileManager.default.contentsOfDirectory(atPath: upper + "/" + name), contents.isEmpty {
                skip.insert(name)
            }
        }
        for name in ["etc/hosts", "etc/resolv.conf", "etc/hostname"] {
            var st = stat()
            if lstat(upper + "/" + name, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_size == 0 { skip.insert(name) }
        }
        return skip
    }

    static func scan(upper: String, lower: [String]) -> [ContainerChange] {
        let skip = runtimeEntries(upper)
        var out: [ContainerChange] = []
        func inLower(_ rel: String) -> Bool {
            lower.contains { dir in var st = stat(); return lstat(dir + "/" + rel, &st) == 0 }
        }
        /// Walks `rel` (a directory in upper); returns whether anything under it was reported.
        @discardableResult
        func walk(_ rel: String) -> Bool {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: upper + (rel.isEmpty ? "" : "/" + rel))) ?? []).sorted()
            var any = false
            for name in names {
                let path = rel.isEmpty ? name : rel + "/" + name
                if skip.contains(path) { continue }
                var st = stat()
                guard lstat(upper + "/" + path, &st) == 0 else { continue }
                let type = st.st_mode & S_IFMT
                if type == S_IFCHR, st.st_rdev == 0 {
                    out.append(ContainerChange(Path: "/" + path, Kind: 2))
                    any = true
                    continue
                }
                let existed = inLower(path)
                if type == S_IFDIR {
                    let index = out.count
                    let below = walk(path)
                    if !existed {
                        out.insert(ContainerChange(Path: "/" + path, Kind: 1), at: index)
                    } else if below || opaque(upper + "/" + path) {
                        out.insert(ContainerChange(Path: "/" + path, Kind: 0), at: index)
                    } else {
                        continue
                    }
                } else {
                    out.append(ContainerChange(Path: "/" + path, Kind: existed ? 0 : 1))
                }
                any = true
            }
            return any
        }
        walk("")
        return out
    }

    static func opaque(_ path: String) -> Bool {
        var value = [UInt8](repeating: 0, count: 4)
        let n = lgetxattr(path, "trusted.overlay.opaque", &value, value.count)
        return n == 1 && value[0] == UInt8(ascii: "y")
    }
}
