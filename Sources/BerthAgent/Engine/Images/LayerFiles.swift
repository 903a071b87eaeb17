#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthImageFormat
import CImageShim
import Glibc

/// A file read through a descriptor, as tar input.
struct FileTarInput: TarInput {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LayerError.io("open \(path)", errno) }
    }

    func close() { _ = Glibc.close(fd) }

    mutating func read(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0 { if errno == EINTR { continue }; throw LayerError.io("read", errno) }
            if n == 0 { break }
            filled += n
        }
        if filled < count { out.removeLast(count - filled) }
        return out
    }
}

/// Buffered writes to a descriptor.
final class FileSink {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LayerError.io("create \(path)", errno) }
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try Self.writeAll(fd, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private var isClosed = false

    /// Flushes and closes; the descriptor is closed even when the flush fails (a full disk), and only once.
    func close() throws {
        guard !isClosed else { return }
        isClosed = true
        defer { _ = Glibc.close(fd) }
        try flush()
    }

    /// A sink dropped after a failure still gives its descriptor back.
    deinit { if !isClosed { _ = Glibc.close(fd) } }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw LayerError.io("write", errno) }
            done += n
        }
    }
}

enum LayerError: Error, APIErrorConvertible, CustomStringConvertible {
    case io(String, Int32)
    case unsafe(String)

    var description: String {
        switch self {
        case .io(let step, let code): return "\(step): \(String(cString: strerror(code)))"
        case .unsafe(let path): return "unsafe path in archive: \(path)"
        }
    }

    var apiError: APIError { .internal(description) }
}

/// Unpacks tar archives into directories.
enum LayerUnpacker {
    enum Whiteouts {
        /// An image layer stacked by overlayfs: `.wh.x` becomes a 0/0 character device, `.wh..wh..opq` the
        /// `trusted.overlay.opaque` attribute.
        case overlay
        /// A merged view (`docker cp` into a container): whiteouts are plain files.
        case none
    }

    /// Unpacks `reader` into `root` (which exists).
    static func unpack<I: TarInput>(_ reader: inout TarReader<I>, into root: String, whiteouts: Whiteouts,
                                    keepOwners: Bool = true) throws {
        var directoryTimes: [(String, Int)] = []
        while let entry = try reader.next() {
            let rel = entry.path
            guard !rel.split(separator: "/").contains("..") else { throw LayerError.unsafe(rel) }
            if rel == "." {
                if entry.type == .directory { applyMeta(root, entry, keepOwners: keepOwners); directoryTimes.append((root, entry.mtime)) }
                continue
            }
            let path = root + "/" + rel
            if whiteouts == .overlay {
                switch Whiteout.classify(rel) {
                case .opaque(let dir):
                    let dirPath = dir == "." ? root : root + "/" + dir
                    try makeParents(root: root, rel: dir == "." ? "" : dir + "/x")
                    let value: [UInt8] = [UInt8(ascii: "y")]
                    if lsetxattr(dirPath, "trusted.overlay.opaque", value, 1, 0) != 0 {
                        throw LayerError.io("set opaque on \(dir)", errno)
                    }
                    continue
                case .remove(let target):
                    try makeParents(root: root, rel: target)
                    let targetPath = root + "/" + target
                    removeAny(targetPath)
                    if mknod(targetPath, S_IFCHR | 0o000, 0) != 0 { throw LayerError.io("whiteout \(target)", errno) }
                    continue
                case .none:
                    break
                }
            }
            try makeParents(root: root, rel: rel)
            var st = stat()
            let exists = lstat(path, &st) == 0
            if exists, !(entry.type == .directory && (st.st_mode & S_IFMT) == S_IFDIR) { removeAny(path) }
            switch entry.type {
            case .directory:
                if !(exists && (st.st_mode & S_IFMT) == S_IFDIR), mkdir(path, 0o755) != 0 {
                    throw LayerError.io("mkdir \(rel)", errno)
                }
            case .file:
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
                guard fd >= 0 else { throw LayerError.io("create \(rel)", errno) }
                do {
                    try reader.readContents { try FileSink.writeAll(fd, $0) }
                } catch {
                    _ = close(fd)
                    throw error
                }
                _ = close(fd)
            case .symlink:
                if symlink(entry.linkName, path) != 0 { throw LayerError.io("symlink \(rel)", errno) }
            case .hardlink:
                guard !entry.linkName.split(separator: "/").contains("..") else { throw LayerError.unsafe(entry.linkName) }
                if link(root + "/" + entry.linkName, path) != 0 { throw LayerError.io("link \(rel)", errno) }
                continue  // a hard link shares its target's metadata
            case .characterDevice, .blockDevice, .fifo:
                let kind: mode_t = entry.type == .fifo ? S_IFIFO : entry.type == .blockDevice ? S_IFBLK : S_IFCHR
                if mknod(path, kind | 0o600, makeDevice(entry.devMajor, entry.devMinor)) != 0 {
                    throw LayerError.io("mknod \(rel)", errno)
                }
            }
            applyMeta(path, entry, keepOwners: keepOwners)
            if entry.type == .directory { directoryTimes.append((path, entry.mtime)) }
        }
        for (path, time) in directoryTimes.reversed() { setTime(path, time) }
    }

    static func applyMeta(_ path: String, _ entry: TarEntry, keepOwners: Bool) {
        if keepOwners { _ = lchown(path, uid_t(truncatingIfNeeded: entry.uid), gid_t(truncatingIfNeeded: entry.gid)) }
        if entry.type != .symlink { _ = chmod(path, mode_t(entry.mode & 0o7777)) }
        for (name, value) in entry.xattrs { _ = lsetxattr(path, name, value, value.count, 0) }
        setTime(path, entry.mtime)
    }

    static func setTime(_ path: String, _ seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
    }

    /// Creates the missing directories above `rel` (0755, root); refuses to go through a symlink.
    static func makeParents(root: String, rel: String) throws {
        var current = root
        let parts = rel.split(separator: "/").dropLast()
        for part in parts {
            current += "/" + part
            var st = stat()
            if lstat(current, &st) == 0 {
                if (st.st_mode & S_IFMT) == S_IFDIR { continue }
                if (st.st_mode & S_IFMT) == S_IFLNK { throw LayerError.unsafe(rel) }
                removeAny(current)
            }
            if mkdir(current, 0o755) != 0, errno != EEXIST { throw LayerError.io("mkdir \(current)", errno) }
        }
    }

    static func removeAny(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            try? FileManager.default.removeItem(atPath: path)
        } else {
            _ = unlink(path)
        }
    }

    static func makeDevice(_ major: UInt32, _ minor: UInt32) -> dev_t {
        let ma = UInt64(major), mi = UInt64(minor)
        return dev_t((mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xff) << 12) | ((ma & ~0xfff) << 32))
    }
}

/// Packs directories into tar archives, deterministically (sorted names, no user or group names).
enum LayerPacker {
    /// Packs `source` (a file or directory) as `name` (`.` for the root of a layer).
    /// - Parameter overlayWhiteouts: turn overlayfs whiteouts (0/0 character devices, opaque directories) into
    ///   docker's `.wh.` entries; used for a container's upper directory.
    /// - Parameter skip: names directly under the root that are left out.
    static func pack(_ source: String, as name: String, overlayWhiteouts: Bool, skip: Set<String> = [],
                     write: ([UInt8]) throws -> Void) throws {
        var inodes: [UInt64: String] = [:]
        try walk(source, name, overlayWhiteouts: overlayWhiteouts, isRoot: true, skip: skip, inodes: &inodes,
                 write: write)
        try write(TarWriter.end)
    }

    private static func walk(_ path: String, _ name: String, overlayWhiteouts: Bool, isRoot: Bool,
                             skip: Set<String> = [], inodes: inout [UInt64: String], write: ([UInt8]) throws -> Void) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw LayerError.io("lstat \(path)", errno) }
        let kind = st.st_mode & S_IFMT
        var entry = TarEntry(path: name, type: .file, mode: UInt32(st.st_mode & 0o7777), uid: Int(st.st_uid),
                             gid: Int(st.st_gid), mtime: st.st_mtim.tv_sec)
        if overlayWhiteouts, kind == S_IFCHR, st.st_rdev == 0 {
            let whiteout = TarEntry(path: Whiteout.removal(of: name), type: .file, mode: 0, mtime: st.st_mtim.tv_sec)
            try write(TarWriter.header(whiteout))
            return
        }
        switch kind {
        case S_IFDIR:
            entry.type = .directory
            if !(isRoot && name == ".") { try write(TarWriter.header(entry)) }
            if overlayWhiteouts, isOpaque(path) {
                try write(TarWriter.header(TarEntry(path: Whiteout.opaque(in: name), type: .file, mode: 0,
                                                     mtime: st.st_mtim.tv_sec)))
            }
            let children = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted {
                Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
            }
            for child in children where !(isRoot && skip.contains(child)) {
                let childName = name == "." ? child : name + "/" + child
                try walk(path + "/" + child, childName, overlayWhiteouts: overlayWhiteouts, isRoot: false,
                         inodes: &inodes, write: write)
            }
            return
        case S_IFREG:
            if st.st_nlink > 1 {
                let key = UInt64(st.st_ino)
                if let first = inodes[key] {
                    entry.type = .hardlink
                    entry.linkName = first
                    try write(TarWriter.header(entry))
                    return
                }
                inodes[key] = name
            }
            entry.size = Int(st.st_size)
            try write(TarWriter.header(entry))
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { throw LayerError.io("open \(path)", errno) }
            defer { _ = close(fd) }
            var input = FileTarInput(fd: fd)
            var left = entry.size
            while left > 0 {
                let chunk = try input.read(min(left, 1 << 20))
                guard !chunk.isEmpty else { throw LayerError.io("\(path) shrank while being read", EIO) }
                left -= chunk.count
                try write(chunk)
            }
            try write(TarWriter.padding(entry.size))
            return
        case S_IFLNK:
            entry.type = .symlink
            var buffer = [Int8](repeating: 0, count: 4097)
            let n = readlink(path, &buffer, 4096)
            guard n >= 0 else { throw LayerError.io("readlink \(path)", errno) }
            entry.linkName = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        case S_IFCHR, S_IFBLK:
            entry.type = kind == S_IFCHR ? .characterDevice : .blockDevice
            let rdev = UInt64(st.st_rdev)
            entry.devMajor = UInt32(((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfff))
            entry.devMinor = UInt32((rdev & 0xff) | ((rdev >> 12) & ~0xff))
        case S_IFIFO:
            entry.type = .fifo
        default:
            return  // sockets are not archived
        }
        try write(TarWriter.header(entry))
    }

    static func isOpaque(_ path: String) -> Bool {
        var value = [UInt8](repeating: 0, count: 4)
        let n = lgetxattr(path, "trusted.overlay.opaque", &value, 4)
        return n == 1 && value[0] == UInt8(ascii: "y")
    }
}

extension FileTarInput {
    init(fd: Int32) { self.fd = fd }
}

/// Sizes through stat(2): FoundationEssentials' attribute dictionaries do not bridge `.size` to `Int`.
enum FileSize {
    /// The size of the file at `path` (following links), or nil when it cannot be read.
    static func of(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }
}
