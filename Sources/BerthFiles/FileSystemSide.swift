/// One end of a copy: this machine's file system or a host's over SFTP.
///
/// Methods throw `TransferError` naming the path as `display(_:)` shows it. A side is used from one thread
/// at a time, except `sha256(following:size:)`, which runs beside the writer; the copier gives the source and the
/// destination a thread each only when they are distinct objects, so a host that is both source and destination
/// needs two sides (two SSH sessions) to overlap.
public protocol FileSystemSide: AnyObject {
    /// The path as messages show it: `/tmp/x` locally, `lab1:/tmp/x` on a machine.
    func display(_ path: String) -> String
    /// Whether this is the local file system (its temporary files can be removed by a signal handler).
    var isLocal: Bool { get }

    /// Attributes of `path` (following a final symbolic link when `followLinks`), nil when it does not exist.
    func info(_ path: String, followLinks: Bool) throws -> FileInfo?
    /// The entries of a directory, without `.` and `..`, each with its own attributes (not following links).
    func list(_ directory: String) throws -> [DirectoryEntry]
    func readLink(_ path: String) throws -> String
    /// The absolute, canonical form of `path`.
    func realPath(_ path: String) throws -> String

    func makeDirectory(_ path: String, mode: Int32) throws
    func makeSymbolicLink(_ target: String, at path: String) throws
    /// Opens an existing file for reading.
    func openForReading(_ path: String) throws -> ReadableFile
    /// Creates a new file (fails if `path` exists) with permission bits `mode`.
    func createExclusive(_ path: String, mode: Int32) throws -> WritableFile
    /// Sets permission bits and/or times (nil leaves them). Follows symbolic links.
    func setAttributes(_ path: String, mode: Int32?, modificationTime: Int64?, accessTime: Int64?) throws
    /// Renames `from` to `to`, atomically replacing `to` if it exists.
    func rename(_ from: String, to: String) throws
    /// Removes a file or symbolic link.
    func remove(_ path: String) throws

    /// Lower-case hex SHA-256 of each file's contents (locally computed, or `sha256sum` on the host). A path
    /// that cannot be read is missing from the result.
    func sha256(_ paths: [String]) throws -> [String: String]
    /// Bytes free for root on the file system holding `path`, when it can be told (used to explain failures).
    func freeBytes(_ path: String) -> UInt64?

    /// Hashes `path` while another thread is still writing it, reading each part as soon as it has landed, until
    /// the file holds `size` bytes; returns the lower-case hex SHA-256, or nil when this side cannot (the copier
    /// then hashes the file once it is written). Runs on a thread of its own, concurrently with the writer; stops
    /// with an error when the file disappears or stops growing for a long time.
    func sha256(following path: String, size: UInt64) throws -> String?
}

/// A file open for reading on some side.
public protocol ReadableFile: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    func close() throws
}

/// A file open for writing on some side.
public protocol WritableFile: AnyObject {
    /// Writes what `fill` produces until it returns 0, reporting the running count of bytes written.
    /// `fill` copies up to `buffer.count` bytes into `buffer` and returns how many.
    func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int, progress: (Int64) -> Void) throws -> Int64
    func close() throws
    /// True when the destination hashes the file itself as part of writing it (see `writtenHash`), so the copier
    /// needs no separate check of it.
    var hashesWhileWriting: Bool { get }
    /// After `close()`: the lower-case hex SHA-256 of the file as the destination stored it, when it could tell.
    var writtenHash: String? { get }
}

extension WritableFile {
    public var hashesWhileWriting: Bool { false }
    public var writtenHash: String? { nil }
}

extension FileSystemSide {
    func sha256(_ path: String) throws -> String? {
        try sha256([path])[path]
    }
}

/// One name in a directory listing, with its attributes (a symbolic link is reported as one).
public struct DirectoryEntry: Equatable, Sendable {
    public var name: String
    public var info: FileInfo

    public init(name: String, info: FileInfo) {
        self.name = name
        self.info = info
    }
}
