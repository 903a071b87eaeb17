import BerthCore
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

    /// Opens another session to the same host as the same user: for lanes (see `StretchSide`) and for
    /// `sha256(following:size:)`, which runs while `session` writes. Without it the side has no lanes.
    let openSession: (() throws -> SSHSession)?
    /// Sessions opened for lanes, lane i on `lanes[i]`; each is used by one thread at a time.
    var lanes: [SSHSession] = []
    /// Whether the host can copy in stretches (GNU `dd`, a hasher); probed on the first lane.
    var stretchSupport: Bool?

    /// Fill new files through an exec channel (`cat`) rather than SFTP writes; see `createExclusive`.
    public var streamsWrites = true

    public init(session: SSHSession, label: String, openSession: (() throws -> SSHSession)? = nil) {
        self.session = session
        self.label = label
        self.openSession = openSession
    }

    public func display(_ path: String) -> String { "\(label):\(path)" }
    public var isLocal: Bool { false }

    /// Set when a write stopped part way (a failed write, a cancellation, a source error): libssh2 1.10 may have
    /// sent part of a WRITE packet, so the SFTP channel is out of step and any further SFTP request would wait for
    /// the session's operation timeout. Cleanup then goes over exec channels, which are unaffected, and the session
    /// is never closed gracefully (its goodbyes would wait on the same channel); see `close()`.
    public private(set) var isPoisoned = false
    /// Files of a poisoned channel, kept so their deinit never tries to close them over it.
    private var quarantined: [AnyObject] = []
    /// Poisoned sessions and files, kept for the life of the process; the OS closes their sockets at exit.
    static let graveyard = Graveyard()

    func poison(_ file: SFTPFile) {
        isPoisoned = true
        quarantined.append(file)
    }

    /// Closes the session, or, if the SFTP channel is poisoned, abandons it (see `isPoisoned`).
    public func close() {
        for lane in lanes { lane.close() }
        lanes = []
        if isPoisoned {
            Self.graveyard.keep([session] + quarantined)
        } else {
            session.close()
        }
    }

    deinit {
        if isPoisoned { Self.graveyard.keep([session] + quarantined) }
    }

    func sftp() throws -> SFTPClient {
        if isPoisoned {
            throw TransferError(label, .other("the SFTP channel is out of step after an interrupted write"))
        }
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

    /// SFTP reads (libssh2 reads ahead; measured quicker than `cat` on an exec channel, unlike writes).
    public func openForReading(_ path: String) throws -> ReadableFile {
        try wrap(path) { SFTPReadableFile(file: try sftp().openForReading(path), side: self) }
    }

    /// Files are created over SFTP (exclusively, so a clash or a permission problem is reported before any byte is
    /// sent) and, with `streamsWrites`, filled through `cat` on an exec channel: several times quicker than SFTP
    /// writes with libssh2, which acknowledge every 30 kB. The same command hashes the file once written.
    public func createExclusive(_ path: String, mode: Int32) throws -> WritableFile {
        let file = try wrap(path) { try sftp().openForWriting(path, mode: mode, exclusive: true) }
        guard streamsWrites else { return SFTPWritableFile(file: file, side: self) }
        try wrap(path) { try file.close() }
        return StreamedWritableFile(side: self, path: path)
    }

    public func setAttributes(_ path: String, mode: Int32?, modificationTime: Int64?, accessTime: Int64?) throws {
        let m = modificationTime.map { UInt32(clamping: $0) }
        let a = modificationTime.map { _ in UInt32(clamping: accessTime ?? modificationTime!) }
        try wrap(path) { try sftp().setAttributes(path, mode: mode, accessTime: a, modificationTime: m) }
    }

    /// A plain SFTP rename first (one request on the open channel; OpenSSH refuses it when `to` exists), then the
    /// replacing rename, which needs a second channel for `posix-rename@openssh.com` (opened once per session).
    public func rename(_ from: String, to: String) throws {
        let c = try sftp()
        do {
            try c.rename(from, to: to, replacing: false)
        } catch SSHError.sftp(_, _, _, let status)
            where status == SFTPStatus.failure || status == SFTPStatus.fileAlreadyExists {
            try wrap(to) { try c.rename(from, to: to, replacing: true) }
        } catch {
            throw mapped(error, to)
        }
    }

    public func remove(_ path: String) throws {
        guard isPoisoned else { return try wrap(path) { try sftp().unlink(path) } }
        let r = try wrap(path) { try session.run("rm -f -- \(shellQuote(path))", stdin: nil, onOutput: nil) }
        guard r.exitStatus == 0 else {
            throw TransferError(display(path), .other("rm exited \(r.exitStatus): \(r.errorOutput)"))
        }
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
            let lines = result.output.split(separator: "\n")
            if lines.contains("berth-nohash") {
                for path in batch { out[path] = try? readBackHash(path) }
                batch.removeAll()
                size = 0
                return
            }
            // Lines are `berth-sha256 INDEX HASH`, so whatever a login script prints cannot shift them.
            for line in lines {
                let words = line.split(separator: " ")
                guard words.count == 3, words[0] == "berth-sha256", let i = Int(words[1]), batch.indices.contains(i) else {
                    continue
                }
                let h = words[2].lowercased()
                if h.count == 64 && h.allSatisfy(\.isHexDigit) { out[batch[i]] = h }
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

    /// The POSIX shell script printing `berth-sha256 INDEX HASH` for each path it can read, in order (`-` for
    /// the hash when it cannot), or `berth-nohash` when the host has no hasher.
    static func hashScript(_ paths: [String]) -> String {
        "if command -v openssl >/dev/null 2>&1; then H='openssl dgst -sha256 -r'; "
            + "elif command -v sha256sum >/dev/null 2>&1; then H=sha256sum; else echo berth-nohash; exit 0; fi; i=0; "
            + "for f in " + paths.map(shellQuote).joined(separator: " ")
            + "; do h=$($H < \"$f\" 2>/dev/null) || h=-; echo \"berth-sha256 $i ${h%% *}\"; i=$((i + 1)); done"
    }

    /// For hosts with neither `openssl` nor `sha256sum`: the file read back over SFTP and hashed here.
    func readBackHash(_ path: String) throws -> String {
        let file = try openForReading(path)
        defer { try? file.close() }
        let digest = SHA256Digest()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try file.read(into: buffer)
            if n == 0 { return digest.finalize() }
            digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Runs `followScript` on a second session (the first lane): the host hashes the file as it grows, so the check is done a
    /// moment after the last byte lands. Needs `stat -c`, `tail -c`, `head -c` and a hasher (GNU or busybox);
    /// returns nil without a second session or when the script cannot run there.
    public func sha256(following path: String, size: UInt64) throws -> String? {
        guard openLaneSessions(1) >= 1 else { return nil }
        let r: CommandResult
        do {
            r = try lanes[0].run(Self.followScript(path, size: size), stdin: nil, onOutput: nil)
        } catch {
            throw mapped(error, path)
        }
        if r.errorOutput.contains("berth-follow-gone") { throw TransferError(display(path), .notFound) }
        let hash = r.output.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        // The loop reports how far it got on stderr; only a complete pass counts.
        guard r.exitStatus == 0, r.errorOutput.contains("berth-followed \(size)\n"), hash.count == 64,
              hash.allSatisfy(\.isHexDigit) else { return nil }
        return hash
    }

    /// The POSIX shell script behind `sha256(following:size:)`. It polls the file's size every 100 ms (three small
    /// processes a poll, cheap next to the transfer), pipes each new stretch to the hasher, and gives up when the
    /// file disappears or has not grown for 30 seconds (a killed copy); the hash is only trusted when the loop
    /// reports the full size on stderr.
    static func followScript(_ path: String, size: UInt64) -> String {
        """
        if command -v openssl >/dev/null 2>&1; then H='openssl dgst -sha256 -r'; \
        elif command -v sha256sum >/dev/null 2>&1; then H=sha256sum; else exit 2; fi
        f=\(shellQuote(path)); n=\(size); off=0; idle=0
        { while [ "$off" -lt "$n" ]; do
            s=$(stat -c %s "$f" 2>/dev/null) || { echo berth-follow-gone >&2; exit 3; }
            if [ "$s" -gt "$off" ]; then
              [ "$s" -gt "$n" ] && s=$n
              tail -c +$((off + 1)) "$f" | head -c $((s - off)) || exit 3
              off=$s; idle=0
            else
              idle=$((idle + 1)); [ "$idle" -gt 300 ] && exit 4
              sleep 0.1 2>/dev/null || sleep 1
            fi
          done; echo "berth-followed $off" >&2; } | $H | cut -c1-64
        """
    }

    public func freeBytes(_ path: String) -> UInt64? {
        let dir = (path as NSString).deletingLastPathComponent
        let probe = dir.isEmpty ? "." : dir
        guard let r = try? session.run("stat -f -c '%f %S' -- \(shellQuote(probe))", stdin: nil, onOutput: nil),
              r.exitStatus == 0 else { return nil }
        let parts = r.output.split(separator: " ")
            .compactMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
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
            side.poison(file)
            throw side.mapped(error, file.path)
        }
    }

    func close() throws {
        guard !side.isPoisoned else { return }
        try side.wrap(file.path) { try file.close() }
    }
}

/// Keeps objects alive until the process exits.
final class Graveyard: @unchecked Sendable {
    private let lock = NSLock()
    private var objects: [AnyObject] = []

    func keep(_ more: [AnyObject]) {
        lock.lock()
        objects += more
        lock.unlock()
    }
}

/// A file filled by `cat` on an exec channel, then hashed on the host by the same command (see
/// `SFTPSide.createExclusive`). The file already exists (created over SFTP); `cat >` keeps its mode.
final class StreamedWritableFile: WritableFile {
    unowned let side: SFTPSide
    let path: String
    private var result: (status: SSHSession.StreamResult, output: Data)?
    private(set) var writtenHash: String?
    var hashesWhileWriting: Bool { true }

    init(side: SFTPSide, path: String) {
        self.side = side
        self.path = path
    }

    /// `cat` into the file, then `berth-sha256 HASH` from openssl or sha256sum (nothing when the host has neither).
    static func command(_ path: String) -> String {
        let f = shellQuote(path)
        return "cat > \(f) || exit $?; "
            + "if command -v openssl >/dev/null 2>&1; then H='openssl dgst -sha256 -r'; "
            + "elif command -v sha256sum >/dev/null 2>&1; then H=sha256sum; else exit 0; fi; "
            + "h=$($H < \(f)) && echo \"berth-sha256 ${h%% *}\""
    }

    /// Errors of `fill` (the source side, a cancellation) pass through unchanged.
    func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int, progress: (Int64) -> Void) throws -> Int64 {
        var total: Int64 = 0
        var output = Data()
        let status: SSHSession.StreamResult
        do {
            status = try withoutActuallyEscaping(fill) { fill in
                try withoutActuallyEscaping(progress) { progress in
                    try side.session.stream(Self.command(path), input: { buffer in
                        let n = try fill(buffer)
                        if n > 0 {
                            total += Int64(n)
                            progress(total)
                        }
                        return n
                    }, output: { output.append(contentsOf: $0) })
                }
            }
        } catch let error as SSHError {
            throw side.mapped(error, path)
        }
        result = (status, output)
        return total
    }

    func close() throws {
        guard let (status, output) = result else { return }
        result = nil
        guard status.exitStatus == 0 else { throw TransferError(side.display(path), Self.cause(of: status)) }
        writtenHash = SFTPSide.reportedHash(output)
    }

    /// What `cat` said, as a cause: a full disk and a denied write are told apart from the rest.
    static func cause(of r: SSHSession.StreamResult) -> TransferError.Cause {
        let text = String(decoding: r.stderr, as: UTF8.self)
        let message = text.split(separator: "\n").last.map(String.init) ?? "exit status \(r.exitStatus)"
        if message.contains("No space left") { return .noSpace }
        if message.contains("Permission denied") { return .permissionDenied }
        if message.contains("Read-only file system") { return .readOnly }
        return .other(message)
    }
}
