#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CImageShim
import Glibc

/// The vfs storage driver's root filesystems: an image's unpacked layers copied into one directory, bottom to top,
/// with the overlayfs whiteouts they hold applied (a 0/0 character device deletes the path below it; an opaque
/// directory hides what the layers below have in it).
enum LayerCopier {
    /// Fills the empty or missing directory `root` from `layers` (topmost first, as overlayfs `lowerdir` lists them).
    static func materialise(layers: [String], into root: String) throws {
        if mkdir(root, 0o755) != 0, errno != EEXIST { throw LayerError.io("mkdir \(root)", errno) }
        var directoryTimes: [(String, stat)] = []
        for layer in layers.reversed() {
            if LayerPacker.isOpaque(layer) { try emptyDirectory(root) }
            var links: [UInt64: String] = [:]
            try copyChildren(of: layer, into: root, links: &links, directoryTimes: &directoryTimes)
        }
        for (path, st) in directoryTimes.reversed() { setTimes(path, st) }
    }

    private static func copyChildren(of source: String, into dest: String, links: inout [UInt64: String],
                                     directoryTimes: inout [(String, stat)]) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            let from = source + "/" + name, to = dest + "/" + name
            var st = stat()
            guard lstat(from, &st) == 0 else { throw LayerError.io("lstat \(from)", errno) }
            let kind = st.st_mode & S_IFMT
            if kind == S_IFCHR, st.st_rdev == 0 {  // a whiteout
                LayerUnpacker.removeAny(to)
                continue
            }
            var existing = stat()
            let exists = lstat(to, &existing) == 0
            if kind == S_IFDIR {
                if exists, (existing.st_mode & S_IFMT) == S_IFDIR {
                    if LayerPacker.isOpaque(from) { try emptyDirectory(to) }
                } else {
                    if exists { LayerUnpacker.removeAny(to) }
                    guard mkdir(to, 0o700) == 0 else { throw LayerError.io("mkdir \(to)", errno) }
                }
                try copyChildren(of: from, into: to, links: &links, directoryTimes: &directoryTimes)
                copyAttributes(from, to, st)
                directoryTimes.append((to, st))
                continue
            }
            if exists { LayerUnpacker.removeAny(to) }
            switch kind {
            case S_IFREG:
                if st.st_nlink > 1 {
                    if let first = links[UInt64(st.st_ino)], link(first, to) == 0 { continue }
                    links[UInt64(st.st_ino)] = to
                }
                try copyFile(from, to)
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: 4097)
                let n = readlink(from, &buffer, 4096)
                guard n >= 0 else { throw LayerError.io("readlink \(from)", errno) }
                buffer[n] = 0
                guard symlink(buffer, to) == 0 else { throw LayerError.io("symlink \(to)", errno) }
            case S_IFCHR, S_IFBLK, S_IFIFO:
                guard mknod(to, st.st_mode, st.st_rdev) == 0 else { throw LayerError.io("mknod \(to)", errno) }
            default:
                continue  // sockets are not copied
            }
            copyAttributes(from, to, st)
            setTimes(to, st)
        }
    }

    private static func copyFile(_ from: String, _ to: String) throws {
        let input = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw LayerError.io("open \(from)", errno) }
        defer { _ = close(input) }
        let output = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard output >= 0 else { throw LayerError.io("create \(to)", errno) }
        defer { _ = close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw LayerError.io("read \(from)", errno) }
            if n == 0 { return }
            try FileSink.writeAll(output, Array(buffer[0..<n]))
        }
    }

    /// Owner, mode and extended attributes (except overlayfs' own); times are set separately.
    private static func copyAttributes(_ from: String, _ to: String, _ st: stat) {
        _ = lchown(to, st.st_uid, st.st_gid)
        if (st.st_mode & S_IFMT) != S_IFLNK { _ = chmod(to, st.st_mode & 0o7777) }
        var names = [CChar](repeating: 0, count: 4096)
        let length = llistxattr(from, &names, names.count)
        guard length > 0 else { return }
        var value = [UInt8](repeating: 0, count: 65536)
        for name in names[0..<length].split(separator: 0) {
            let key = String(decoding: name.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard !key.hasPrefix("trusted.overlay.") else { continue }
            let n = lgetxattr(from, key, &value, value.count)
            if n >= 0 { _ = lsetxattr(to, key, value, n, 0) }
        }
    }

    private static func setTimes(_ path: String, _ st: stat) {
        var times = [st.st_atim, st.st_mtim]
        _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
    }

    private static func emptyDirectory(_ path: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            LayerUnpacker.removeAny(path + "/" + name)
        }
    }
}
