#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// Where a volume's data lives on this host: the seam other volume drivers plug into. The `VolumeStore` keeps the
/// names, labels and options; a driver only makes, finds and removes the storage.
public protocol VolumeDriver: Sendable {
    /// The name users pass as `--driver` (`local`).
    var name: String { get }
    /// Checks `options` and makes the storage of a new volume; returns its mount point on this host.
    func create(name: String, options: [String: String]) throws -> String
    /// The host path containers bind-mount for the volume.
    func mountpoint(name: String, options: [String: String]) -> String
    /// Removes the volume's storage and data.
    func remove(name: String, options: [String: String]) throws
}

/// Docker's `local` driver: a directory `<dataRoot>/volumes/NAME/_data`. With `-o type=none -o o=bind
/// -o device=/path` the volume is that existing host directory instead (docker's bind-backed local volume).
public struct LocalVolumeDriver: VolumeDriver {
    public let name = "local"
    public let root: String

    public init(root: String) { self.root = root }

    static let knownOptions: Set<String> = ["type", "o", "device"]

    public func create(name: String, options: [String: String]) throws -> String {
        for key in options.keys.sorted() where !Self.knownOptions.contains(key) {
            throw VolumeError.invalidOption(key)
        }
        if !options.isEmpty {
            let type = options["type"] ?? ""
            let flags = Set((options["o"] ?? "").split(separator: ",").map(String.init))
            guard type == "none", flags.contains("bind"), let device = options["device"], device.hasPrefix("/") else {
                throw VolumeError.unsupportedOptions("the local driver of berthd supports only bind-backed volumes "
                    + "(-o type=none -o o=bind -o device=/absolute/path)")
            }
            guard VolumeFiles.isDirectory(device) else {
                throw VolumeError.unsupportedOptions("failed to mount local volume: mount \(device): no such file or directory")
            }
        }
        let data = root + "/" + name + "/_data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        return mountpoint(name: name, options: options)
    }

    public func mountpoint(name: String, options: [String: String]) -> String {
        if options["type"] == "none", let device = options["device"] { return device }
        return root + "/" + name + "/_data"
    }

    public func remove(name: String, options: [String: String]) throws {
        let dir = root + "/" + name
        guard FileManager.default.fileExists(atPath: dir) else { return }
        // Rename first so that a half-removed volume never shows under its name.
        let doomed = root + "/.removing-" + name + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try FileManager.default.moveItem(atPath: dir, toPath: doomed)
        try FileManager.default.removeItem(atPath: doomed)
    }
}

/// Small file checks shared by the volume code.
enum VolumeFiles {
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// True when `path` is a directory with no entries (or is missing).
    static func isEmptyDirectory(_ path: String) -> Bool {
        guard let dir = opendir(path) else { return errno == ENOENT }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { return false }
        }
        return true
    }

    /// Bytes used by the regular files under `path` (not following symbolic links).
    static func size(_ path: String) -> Int64 {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        if (st.st_mode & S_IFMT) != S_IFDIR { return (st.st_mode & S_IFMT) == S_IFREG ? Int64(st.st_size) : 0 }
        guard let dir = opendir(path) else { return 0 }
        defer { closedir(dir) }
        var total: Int64 = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            total += size(path + "/" + name)
        }
        return total
    }
}
