#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// This machine's file system, through plain POSIX calls.
public final class LocalSide: FileSystemSide {
    /// Bytes per read and write.
    static let chunk = 1 << 20

    public init() {}

    public func display(_ path: String) -> String { path }
    public var isLocal: Bool { true }

    public func info(_ path: String, followLinks: Bool) throws -> FileInfo? {
        var st = stat()
        let rc = followLinks ? stat(path, &st) : lstat(path, &st)
        if rc != 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { return nil }
            throw Self.error(path, e)
        }
        return Self.info(st)
    }

    static func info(_ st: stat) -> FileInfo {
        let kind: FileInfo.Kind
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        return FileInfo(kind: kind, size: UInt64(max(st.st_size, 0)), mode: Int32(st.st_mode & 0o7777),
                        modificationTime: Int64(st.st_mtim.tv_sec), accessTime: Int64(st.st_atim.tv_sec))
    }

    public func list(_ directory: String) throws -> [DirectoryEntry] {
        try names(directory).compactMap { name in
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            // A name that vanished since the listing is simply not there.
            return try info(path, followLinks: false).map { DirectoryEntry(name: name, info: $0) }
        }
    }

    func names(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else { throw Self.error(directory, errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                let e = errno
                if e != 0 { throw Self.error(directory, e) }
                return names
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }

    public func readLink(_ path: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { throw Self.error(path, errno) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func realPath(_ path: String) throws -> String {
        guard let p = realpath(path, nil) else { throw Self.error(path, errno) }
        defer { free(p) }
        return String(cString: p)
    }

    public func makeDirectory(_ path: String, mode: Int32) throws {
        guard mkdir(path, mode_t(mode)) == 0 else { throw Self.error(path, errno) }
    }

    public func makeSymbolicLink(_ target: String, at path: String) throws {
        guard symlink(target, path) == 0 else { throw Self.error(path, errno) }
    }

    public func openForReading(_ path: String) throws -> ReadableFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error(path, errno) }
        return LocalFile(fd: fd, path: path)
    }

    public func createExclusive(_ path: String, mode: Int32) throws -> WritableFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw Self.error(path, errno) }
        return LocalFile(fd: fd, path: path)
    }

    public func setAttributes(_ path: String, mode: Int32?, modificationTime: Int64?, accessTime: Int64?) throws {
        if let mode, chmod(path, mode_t(mode)) != 0 { throw Self.error(path, errno) }
        if let modificationTime {
            let at = accessTime ?? modificationTime
            var times = [timespec(tv_sec: Int(at), tv_nsec: 0), timespec(tv_sec: Int(modificationTime), tv_nsec: 0)]
            guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw Self.error(path, errno) }
        }
    }

    public func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw Self.error(to, errno) }
    }

    public func remove(_ path: String) throws {
        guard unlink(path) == 0 else { throw Self.error(path, errno) }
    }

    public func sha256(_ paths: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunk, alignment: 16)
        defer { buffer.deallocate() }
        for path in paths {
            guard let file = try? openForReading(path) else { continue }
            defer { try? file.close() }
            let digest = SHA256Digest()
            do {
                while true {
                    let n = try file.read(into: buffer)
                    if n == 0 { break }
                    digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                }
                out[path] = digest.finalize()
            } catch {
                continue
            }
        }
        return out
    }

    /// Seconds a followed file may stop growing before `sha256(following:size:)` gives up.
    static let followIdleLimit: Double = 30

    public func sha256(following path: String, size: UInt64) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error(path, errno) }
        defer { Glibc.close(fd) }
        let digest = SHA256Digest()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunk, alignment: 16)
        defer { buffer.deallocate() }
        var offset: UInt64 = 0
        var idleSince = Date()
        while offset < size {
            let n = pread(fd, buffer.baseAddress, min(buffer.count, Int(size - offset)), off_t(offset))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw Self.error(path, e)
            }
            if n > 0 {
                digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                offset += UInt64(n)
                idleSince = Date()
                continue
            }
            // Nothing new yet: the writer is behind, or gave up (then the file is gone).
            var st = stat()
            guard stat(path, &st) == 0 else { throw Self.error(path, errno) }
            guard Date().timeIntervalSince(idleSince) < Self.followIdleLimit else {
                throw TransferError(path, .other("stopped growing at \(offset) of \(size) bytes"))
            }
            usleep(5_000)
        }
        return digest.finalize()
    }

    public func freeBytes(_ path: String) -> UInt64? {
        var sv = statvfs()
        var probe = path
        // The file may be gone; ask about the closest existing directory.
        while statvfs(probe, &sv) != 0 {
            let parent = Self.parent(probe)
            if parent == probe || parent.isEmpty {
                guard statvfs(".", &sv) == 0 else { return nil }
                break
            }
            probe = parent
        }
        return UInt64(sv.f_bfree) * UInt64(sv.f_frsize)
    }

    /// `/a/b` for `/a/b/c`, `/` for `/a`, `` for a bare name.
    static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    /// The `TransferError` for `errno` value `e` on `path`.
    public static func error(_ path: String, _ e: Int32) -> TransferError {
        TransferError(path, cause(e))
    }

    public static func cause(_ e: Int32) -> TransferError.Cause {
        switch e {
        case ENOENT: return .notFound
        case EACCES, EPERM: return .permissionDenied
        case ENOSPC, EDQUOT: return .noSpace
        case EISDIR: return .isDirectory
        case ENOTDIR: return .notDirectory
        case EROFS: return .readOnly
        default: return .other(String(cString: strerror(e)))
        }
    }
}

/// A local file descriptor, for reading or writing.
final class LocalFile: ReadableFile, WritableFile {
    private var fd: Int32
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard fd >= 0 else { throw TransferError(path, .other("file is closed")) }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let e = errno
            if e != EINTR { throw LocalSide.error(path, e) }
        }
    }

    func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int, progress: (Int64) -> Void) throws -> Int64 {
        guard fd >= 0 else { throw TransferError(path, .other("file is closed")) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: LocalSide.chunk, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = try fill(buffer)
            if n <= 0 { return total }
            var done = 0
            while done < n {
                let w = Glibc.write(fd, buffer.baseAddress! + done, n - done)
                if w < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    throw LocalSide.error(path, e)
                }
                done += w
            }
            total += Int64(n)
            progress(total)
        }
    }

    func close() throws {
        guard fd >= 0 else { return }
        let rc = Glibc.close(fd)
        let e = errno
        fd = -1
        // close(2) can report a delayed write error (NFS, full disk).
        if rc != 0 && e != EINTR { throw LocalSide.error(path, e) }
    }
}
