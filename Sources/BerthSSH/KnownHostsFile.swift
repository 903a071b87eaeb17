import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An OpenSSH known_hosts file in memory. Lines are kept verbatim, so rewriting the file after
/// `add` preserves comments, hashed names and anything else this type does not interpret.
public struct KnownHostsFile: Equatable, Sendable {
    /// Why the file could not be read or written.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    public var path: String
    public private(set) var lines: [String]

    public init(path: String, text: String) {
        self.path = path
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    /// Reads `path`; a missing file is an empty one.
    public static func load(path: String) throws -> KnownHostsFile {
        guard FileManager.default.fileExists(atPath: path) else { return KnownHostsFile(path: path, text: "") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw Failure(reason: String(cString: strerror(e)))
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw Failure(reason: String(cString: strerror(e)))
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return KnownHostsFile(path: path, text: String(decoding: data, as: UTF8.self))
    }

    /// The name OpenSSH files a host under: `host` on port 22, `[host]:port` otherwise (lowercased).
    public static func hostPattern(host: String, port: Int) -> String {
        let h = host.lowercased()
        return port == 22 ? h : "[\(h)]:\(port)"
    }

    /// Parsed key lines.
    public var entries: [KnownHostsEntry] { lines.compactMap(KnownHostsEntry.init(line:)) }

    /// The keys pinned for `hostPattern` (plain lines only: `@cert-authority` and `@revoked` are skipped).
    public func keys(for hostPattern: String) -> [HostKey] {
        entries.filter { $0.marker == nil && $0.matches(hostPattern) }.map(\.key)
    }

    /// Appends a line pinning `key` for `hostPattern`.
    public mutating func add(_ key: HostKey, for hostPattern: String) {
        lines.append(KnownHostsEntry(patterns: [hostPattern], key: key).line)
    }

    /// The file's contents, newline-terminated.
    public var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// Writes the file atomically with mode 0600: a temporary file in the same directory, fsync, rename.
    /// Creates the directory (0700) if it is missing.
    public func save() throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(reason: "cannot create \(dir): \(error.localizedDescription)")
        }
        var template = Array((dir + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else {
            let e = errno
            throw Failure(reason: "cannot create a temporary file in \(dir): \(String(cString: strerror(e)))")
        }
        let tmpPath = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var done = false
        defer {
            if !done { unlink(tmpPath) }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                close(fd)
                throw Failure(reason: "write: \(String(cString: strerror(e)))")
            }
            written += n
        }
        if fchmod(fd, 0o600) != 0 || fsync(fd) != 0 {
            let e = errno
            close(fd)
            throw Failure(reason: String(cString: strerror(e)))
        }
        if close(fd) != 0 {
            let e = errno
            throw Failure(reason: "close: \(String(cString: strerror(e)))")
        }
        if rename(tmpPath, path) != 0 {
            let e = errno
            throw Failure(reason: "rename: \(String(cString: strerror(e)))")
        }
        done = true
    }
}
