import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small file operations with the guarantees the store needs.
public enum FileOps {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes `data` to `path` atomically: a temp file beside it, fsync, chmod, rename.
    public static func writeAtomically(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = dir + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(description: "open \(tmp): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        let written = data.withUnsafeBytes { buf -> Int in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return -1 }
                off += n
            }
            return off
        }
        let e = errno
        if written < 0 { close(fd); throw Failure(description: "write \(tmp): \(String(cString: strerror(e)))") }
        fchmod(fd, mode)
        fsync(fd)
        close(fd)
        guard rename(tmp, path) == 0 else {
            throw Failure(description: "rename \(tmp) -> \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
    }

    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw Failure(description: "mkdir \(path): \(error.localizedDescription)")
        }
    }

    /// Creates `path` as a new directory; false when it already exists.
    public static func makeDirectoryExclusively(_ path: String, mode: mode_t = 0o700) throws -> Bool {
        if mkdir(path, mode) == 0 { return true }
        if errno == EEXIST { return false }
        throw Failure(description: "mkdir \(path): \(String(cString: strerror(errno)))")
    }
}

/// An exclusive advisory lock on a file (flock), held until `unlock` or deinit.
public final class FileLock {
    private var fd: Int32

    /// Blocks until the lock on `path` is held.
    public init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileOps.Failure(description: "open \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let e = errno
            close(fd)
            throw FileOps.Failure(description: "flock \(path): \(String(cString: strerror(e)))")
        }
    }

    public func unlock() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { unlock() }

    /// Runs `body` holding the lock on `path`.
    public static func with<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let l = try FileLock(path: path)
        defer { l.unlock() }
        return try body()
    }
}
