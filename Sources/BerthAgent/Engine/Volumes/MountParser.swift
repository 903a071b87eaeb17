import BerthCore
/// What a container asked to have mounted, before volumes are looked up or made. Pure.
struct MountRequestSpec: Equatable {
    enum Source: Equatable {
        /// A named volume, or an anonymous one when nil.
        case volume(String?)
        case bind(String)
        /// A tmpfs with these mount options (`--mount type=tmpfs`).
        case tmpfs(String)
        /// An image's file system, or the directory `subpath` of it, read-only (`--mount type=image`).
        case image(String, subpath: String)
    }

    var source: Source
    var destination: String
    var readOnly: Bool
    /// `nocopy`: no copy-up of the image's data into a new volume.
    var noCopy: Bool = false
    /// `-v` creates a missing bind source; `--mount` refuses it.
    var createSource: Bool = false
    /// The mode text docker shows in `Mounts` (`z`, `ro`, ...).
    var mode: String = ""
    /// A bind's propagation (`rprivate` unless asked otherwise); empty for volumes.
    var propagation: String = ""
}

/// Parses docker's `-v` strings and `--mount` entries the way dockerd's Linux parser does.
enum MountParser {
    static let modeWords: Set<String> = [
        "ro", "rw", "z", "Z", "nocopy", "private", "rprivate", "shared", "rshared", "slave", "rslave",
        "consistent", "cached", "delegated",
    ]

    /// `SRC:DST[:MODE]` (`Binds`). SRC is an absolute host path (a bind) or a volume name.
    static func parseBind(_ spec: String) throws -> MountRequestSpec {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw VolumeError.invalidSpec(spec)
        }
        let modes = parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : []
        guard modes.allSatisfy(modeWords.contains) else { throw VolumeError.invalidSpec(spec) }
        let destination = try cleanDestination(parts[1], type: parts[0].hasPrefix("/") ? "bind" : "volume")
        let readOnly = modes.contains("ro")
        let propagations = modes.filter(MountPropagation.modes.contains)
        guard propagations.count <= 1 else { throw VolumeError.invalidSpec(spec) }
        if parts[0].hasPrefix("/") {
            return MountRequestSpec(source: .bind(clean(parts[0])), destination: destination, readOnly: readOnly,
                                    createSource: true, mode: parts.count == 3 ? parts[2] : "",
                                    propagation: propagations.first ?? MountPropagation.defaultMode)
        }
        guard propagations.isEmpty else {
            throw APIError.invalidArgument("invalid mode: \(parts[2]): propagation is only for bind mounts")
        }
        guard VolumeStore.validName(parts[0]) else { throw VolumeError.invalidName(parts[0]) }
        return MountRequestSpec(source: .volume(parts[0]), destination: destination, readOnly: readOnly,
                                noCopy: modes.contains("nocopy"), mode: parts.count == 3 ? parts[2] : "z")
    }

    /// One `HostConfig.Mounts` entry (`--mount type=volume|bind,src=,dst=,readonly`).
    static func parseMount(_ m: MountRequest) throws -> MountRequestSpec {
        let type = m.Type ?? ""
        if type == "tmpfs" {
            guard let target = m.Target, !target.isEmpty else {
                throw VolumeError.invalidMount(type: type, reason: "field Target must not be empty")
            }
            if let source = m.Source, !source.isEmpty {
                throw VolumeError.invalidMount(type: type, reason: "field Source must not be specified")
            }
            return MountRequestSpec(source: .tmpfs(tmpfsOptions(m.TmpfsOptions)),
                                    destination: try cleanDestination(target, type: type), readOnly: m.ReadOnly ?? false)
        }
        if type == "image" {
            guard let target = m.Target, !target.isEmpty else {
                throw VolumeError.invalidMount(type: type, reason: "field Target must not be empty")
            }
            guard let source = m.Source, !source.isEmpty else {
                throw VolumeError.invalidMount(type: type, reason: "field Source must not be empty")
            }
            let subpath = m.ImageOptions?.Subpath ?? ""
            guard !subpath.split(separator: "/").contains("..") else {
                throw VolumeError.invalidMount(type: type, reason: "subpath must be a relative path within the image: \(subpath)")
            }
            // dockerd mounts images read-only whatever the request says
            return MountRequestSpec(source: .image(source, subpath: clean("/" + subpath)),
                                    destination: try cleanDestination(target, type: type), readOnly: true)
        }
        guard type == "volume" || type == "bind" else {
            if type.isEmpty { throw VolumeError.invalidMount(type: type, reason: "mount type unknown") }
            throw VolumeError.invalidMount(type: type, reason: "mount type \"\(type)\" is not supported by berthd")
        }
        guard let target = m.Target, !target.isEmpty else {
            throw VolumeError.invalidMount(type: type, reason: "field Target must not be empty")
        }
        let destination = try cleanDestination(target, type: type)
        let readOnly = m.ReadOnly ?? false
        if type == "bind" {
            guard let source = m.Source, !source.isEmpty else {
                throw VolumeError.invalidMount(type: type, reason: "field Source must not be empty")
            }
            guard source.hasPrefix("/") else {
                throw VolumeError.invalidMount(type: type, reason: "invalid mount path: '\(source)' mount path must be absolute")
            }
            let propagation = m.BindOptions?.Propagation.flatMap { $0.isEmpty ? nil : $0 } ?? MountPropagation.defaultMode
            guard MountPropagation.modes.contains(propagation) else {
                throw VolumeError.invalidMount(type: type, reason: "invalid propagation mode: \(propagation)")
            }
            return MountRequestSpec(source: .bind(clean(source)), destination: destination, readOnly: readOnly,
                                    createSource: false, mode: "", propagation: propagation)
        }
        let name = m.Source.flatMap { $0.isEmpty ? nil : $0 }
        if let name, !VolumeStore.validName(name) { throw VolumeError.invalidName(name) }
        return MountRequestSpec(source: .volume(name), destination: destination, readOnly: readOnly,
                                noCopy: m.VolumeOptions?.NoCopy ?? false, mode: "z")
    }

    /// The mount options of a tmpfs: dockerd's `noexec,nosuid,nodev`, then `size=` and `mode=` when given.
    static func tmpfsOptions(_ options: MountRequest.TmpfsOptions?) -> String {
        var words = ["noexec", "nosuid", "nodev"]
        if let size = options?.SizeBytes, size > 0 { words.append("size=\(size)") }
        if let mode = options?.Mode, mode > 0 { words.append("mode=" + String(mode, radix: 8)) }
        return words.joined(separator: ",")
    }

    /// `--tmpfs DEST[:OPTIONS]` (`HostConfig.Tmpfs`): dockerd's defaults, then the given options.
    static func tmpfsOptions(_ data: String) -> String {
        data.isEmpty ? "noexec,nosuid,nodev" : "noexec,nosuid,nodev," + data
    }

    /// `CONTAINER[:ro|:rw]` of `--volumes-from`: the container and the read-only override, if any.
    static func parseVolumesFrom(_ spec: String) throws -> (container: String, readOnly: Bool?) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2, !parts[0].isEmpty else {
            throw APIError.invalidArgument("invalid volumes-from: \(spec)")
        }
        guard parts.count == 2 else { return (parts[0], nil) }
        switch parts[1] {
        case "ro": return (parts[0], true)
        case "rw": return (parts[0], false)
        default: throw APIError.invalidArgument("invalid mode for volumes-from: \(parts[1])")
        }
    }

    static func cleanDestination(_ path: String, type: String) throws -> String {
        guard path.hasPrefix("/") else {
            throw VolumeError.invalidMount(type: type, reason: "invalid mount path: '\(path)' mount path must be absolute")
        }
        let cleaned = clean(path)
        guard cleaned != "/" else {
            throw VolumeError.invalidMount(type: type, reason: "invalid specification: destination can't be '/'")
        }
        return cleaned
    }

    /// A lexically cleaned absolute path: no `.`, `..`, empty components or trailing slash.
    static func clean(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                _ = out.popLast()
                continue
            }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }
}
