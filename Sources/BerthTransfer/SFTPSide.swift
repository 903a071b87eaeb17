import BerthSSH
import Foundation

/// A host's file system over one SSH session: SFTP for files, an exec channel for checksums and free space.
///
/// Relative paths are relative to the login directory (for both SFTP and commands). Uses its session from
/// one thread at a time; open another session for a second side on the same host.
public final class SFTPSide: FileSystemSide {
    public let session: SSHSession
    /// The machine name shown in messages (`lab1:/tmp/x`).
    public let label: String
    private var client: SFTPClient?
    /// Paths per `sha256sum` command; keeps each command line short.
    static let hashBatchBytes = 32 * 1024

    public init(session: SSHSession, label: String) {
        self.session = session
        self.label = label
    }

    public func display(_ path: String) -> String { "\(label):\(path)" }
    public var isLocal: Bool { false }

    func sftp() throws -> SFTPClient {
        if let client { return client }
        do {
            let c = try session.sftp()
            client = c
            return c
        } catch {
            throw mapped(error, "")
        }
    }

    public func info(_ path: String, followLinks: Bool) throws -> FileInfo? {
        let c = try sftp()
        do {
            return Self.info(try followLinks ? c.stat(path) : c.lstat(path))
        } catch let e as SSHError where e.isNoSuchFile {
            return nil
        } catch {
            throw mapped(error, path)
        }
    }

    static func info(_ a: SFTPAttributes) -> FileInfo {
        let kind: FileInfo.Kind
        switch a.type {
        case .regular: kind = .regular
        case .directory: kind = .directory
        case .symbolicLink: kind = .symbolicLink
        default: kind = .other
        }
        return FileInfo(kind: kind, size: a.size ?? 0, mode: a.mode ?? 0o644,
                        modificationTime: Int64(a.modificationTime ?? 0),
                        accessTime: a.accessTime.map(Int64.init))
    }

    public func list(_ directory: String) throws -> [DirectoryEntry] {
        try wrap(directory) {
            try sftp().readDirectory(directory).map { DirectoryEntry(name: $0.name, info: Self.info($0.attributes)) }
        }
    }

    public func readLink(_ path: String) throws -> String {
        try wrap(path) { try sftp().readlink(path) }
    }

    public func realPath(_ path: String) throws -> String {
        try wrap(path) { try sftp().realpath(path) }
    }

    public func makeDirectory(_ path: String, mode: Int32) throws {
        try wrap(path) { try sftp().mkdir(path, mode: mode) }
    }

    public func makeSymbolicLink(_ target: String, at path: String) throws {
        let c = try sftp()
        do {
            try c.symlink(target: target, at: path)
        } catch SSHError.sftp {
            // libssh2 1.10 reports the request id in place of the server's status for SYMLINK, so any call but
            // a session's first "fails" although the link was made: ask the server what is there.
            if (try? c.readlink(path)) == target { return }
            throw mapped(SSHError.sftp(session.peer, operation: "SFTP symlink", path: path, status: 4), path)
        } catch {
            throw mapped(error, path)
        }
    }

    public func openForReading(_ path: String) throws -> ReadableFile {
        try wrap(path) { SFTPReadableFile(file: try sftp().openForReading(path), side: self) }
    }

    public func createExclusive(_ path: String, mode: Int32) throws -> WritableFile {
        try wrap(path) { SFTPWritableFile(file: try sftp().openForWriting(path, mode: mode, exclusive: true), side: self) }
    }

    public func setAttributes(_ path: String, mode: Int32?, modificationTime: Int64?, accessTime: Int64?) throws {
        let m = modificationTime.map { UInt32(clamping: $0) }
        let a = modificationTime.map { _ in UInt32(clamping: accessTime ?? modificationTime!) }
        try wrap(path) { try sftp().setAttributes(path, mode: mode, accessTime: a, modificationTime: m) }
    }

    public func rename(_ from: String, to: String) throws {
        try wrap(to) { try sftp().rename(from, to: to, replacing: true) }
    }

    public func remove(_ path: String) throws {
        try wrap(path) { try sftp().unlink(path) }
    }

    /// Hashes on the host, one exec channel per batch of paths. Each file is fed to the hasher on stdin, so
    /// the output is one hash (or `-`) per path in order and never has to be matched by file name.
    /// `openssl dgst` is used when the host has it (several times faster than coreutils' `sha256sum`), else
    /// `sha256sum`.
    public func sha256(_ paths: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        var batch: [String] = []
        var size = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            let result = try wrap(batch[0]) { try session.run(Self.hashScript(batch), stdin: nil, onOutput: nil) }
            let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, path) in batch.enumerated() where i < lines.count {
                let h = lines[i].lowercased()
                if h.count == 64 && h.allSatisfy(\.isHexDigit) { out[path] = h }
            }
            batch.removeAll()
            size = 0
        }
        for p in paths {
            batch.append(p)
            size += p.utf8.count + 3
            if size >= Self.hashBatchBytes { try flush() }
        }
        try flush()
        return out
    }

    /// The POSIX shell script printing one SHA-256 (or `-`) per path.
    static func hashScript(_ paths: [String]) -> String {
        "H='sha256sum'; command -v openssl >/dev/null 2>&1 && H='openssl dgst -sha256 -r'; for f in "
            + paths.map(shellQuote).joined(separator: " ")
            + "; do h=$($H < \"$f\" 2>/dev/null) && echo \"${h%% *}\" || echo -; done"
    }

    public func freeBytes(_ path: String) -> UInt64? {
        let dir = (path as NSString).deletingLastPathComponent
        let probe = dir.isEmpty ? "." : dir
        guard let r = try? session.run("stat -f -c '%f %S' -- \(shellQuote(probe))", stdin: nil, onOutput: nil),
              r.exitStatus == 0 else { return nil }
        let parts = r.output.split(separator: " ").compactMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard parts.count == 2 else { return nil }
        return parts[0] * parts[1]
    }

    func wrap<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw mapped(error, path)
        }
    }

    /// SSH and SFTP failures as `TransferError`s naming `path` on this host.
    func mapped(_ error: Error, _ path: String) -> Error {
        if error is TransferError { return error }
        let where_ = path.isEmpty ? label : display(path)
        guard let e = error as? SSHError else { return TransferError(where_, .other("\(error)")) }
        if case .sftp(_, _, _, let status) = e {
            switch status {
            case SFTPStatus.noSuchFile, 10: return TransferError(where_, .notFound)
            case SFTPStatus.permissionDenied, 12: return TransferError(where_, .permissionDenied)
            case SFTPStatus.noSpaceOnFilesystem, 15: return TransferError(where_, .noSpace)
            case SFTPStatus.notADirectory: return TransferError(where_, .notDirectory)
            case SFTPStatus.fileAlreadyExists: return TransferError(where_, .other("file exists"))
            default: return TransferError(where_, .other(e.cause))
            }
        }
        return TransferError(where_, .other(e.cause))
    }
}

final class SFTPReadableFile: ReadableFile {
    let file: SFTPFile
    unowned let side: SFTPSide

    init(file: SFTPFile, side: SFTPSide) {
        self.file = file
        self.side = side
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try side.wrap(file.path) { try file.read(into: buffer) }
    }

    func close() throws {
        try side.wrap(file.path) { try file.close() }
    }
}

final class SFTPWritableFile: WritableFile {
    let file: SFTPFile
    unowned let side: SFTPSide

    init(file: SFTPFile, side: SFTPSide) {
        self.file = file
        self.side = side
    }

    func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int, progress: (Int64) -> Void) throws -> Int64 {
        // Errors thrown by `fill` (the source side, a cancellation) pass through unchanged.
        do {
            return try withoutActuallyEscaping(progress) { try file.write(from: fill, progress: $0) }
        } catch {
            throw side.mapped(error, file.path)
        }
    }

    func close() throws {
        try side.wrap(file.path) { try file.close() }
    }
}
