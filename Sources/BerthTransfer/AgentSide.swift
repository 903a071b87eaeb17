import BerthHTTP
import Foundation

/// A machine's file system through its agent's data plane (see `DataPlane`): file operations and bytes over the
/// agent's mutual-TLS port, acting as `user` on the machine. Lanes are kept-alive TLS connections of their own.
///
/// Relative paths start in the user's home, as over SFTP. The control connection is used from one thread at a time;
/// lane `i` only by the thread copying on lane `i`.
public final class AgentSide: FileSystemSide, DirectStretchSide {
    /// The machine name shown in messages (`lab1:/tmp/x`).
    public let label: String
    /// `https://host:port`.
    public let base: String
    public let user: String
    let client: HTTPSClient
    let control: CurlSession
    private var lanes: [CurlSession] = []
    /// Why the last push to another agent could not happen (it could not reach it); later stretches are relayed.
    public private(set) var unreachable: [String: String] = [:]
    /// The agents this side pushed stretches to, by `base`.
    public private(set) var pushedTo: Set<String> = []
    private let lock = NSLock()

    public init(label: String, base: String, tls: TLSClientFiles, user: String) {
        self.label = label
        self.base = base
        self.user = user
        client = HTTPSClient(tls: tls, timeout: 0, connectTimeout: 10)
        control = CurlSession(client: client)
    }

    /// Whether the agent at `base` serves the data plane (answers its ping with a version this side speaks).
    public static func probe(base: String, tls: TLSClientFiles, timeout: TimeInterval = 5) -> Bool {
        let client = HTTPSClient(tls: tls, timeout: timeout, connectTimeout: min(timeout, 5))
        guard let r = try? client.get(base + DataPlane.prefix + "/ping"), r.status == 200,
              let ping = try? JSONDecoder().decode(DataPlane.Ping.self, from: r.body) else { return false }
        return ping.version == DataPlane.version
    }

    public func display(_ path: String) -> String { "\(label):\(path)" }
    public var isLocal: Bool { false }

    // MARK: operations

    func call(_ operation: DataPlane.Operation, on session: CurlSession? = nil) throws -> DataPlane.Answer {
        let body = try JSONEncoder().encode(operation)
        let r = try transport(operation.path) {
            try body.withUnsafeBytes { raw in
                try (session ?? control).perform(method: "POST", url: base + DataPlane.prefix + "/fs", body: raw,
                                                 json: true)
            }
        }
        return try answer(r, path: operation.path)
    }

    /// The answer of a 200, the side's error for a refusal.
    func answer(_ r: HTTPResponse, path: String) throws -> DataPlane.Answer {
        if r.status == 200 { return (try? JSONDecoder().decode(DataPlane.Answer.self, from: r.body)) ?? DataPlane.Answer() }
        if let failure = try? JSONDecoder().decode(DataPlane.Failure.self, from: r.body) {
            throw failure.transferError(at: display(path))
        }
        let text = String(decoding: r.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        throw TransferError(display(path), .other("the agent answered HTTP \(r.status): \(text)"))
    }

    /// Runs a request; a transport failure becomes a `TransferError` about the path.
    func transport<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as TransferError {
            throw error
        } catch let error as HTTPClientError {
            throw TransferError(display(path), .other("data plane: \(error)"))
        }
    }

    func op(_ kind: DataPlane.Operation.Kind, _ path: String, other: String? = nil, mode: Int32? = nil)
        -> DataPlane.Operation {
        DataPlane.Operation(kind, user: user, path: path, other: other, mode: mode)
    }

    public func info(_ path: String, followLinks: Bool) throws -> FileInfo? {
        var o = op(.info, path)
        o.followLinks = followLinks
        return try call(o).info?.fileInfo
    }

    public func list(_ directory: String) throws -> [DirectoryEntry] {
        (try call(op(.list, directory)).entries ?? []).map { DirectoryEntry(name: $0.name, info: $0.info.fileInfo) }
    }

    public func readLink(_ path: String) throws -> String { try call(op(.readLink, path)).text ?? "" }
    public func realPath(_ path: String) throws -> String { try call(op(.realPath, path)).text ?? path }
    public func makeDirectory(_ path: String, mode: Int32) throws { _ = try call(op(.makeDirectory, path, mode: mode)) }

    public func makeSymbolicLink(_ target: String, at path: String) throws {
        _ = try call(op(.makeSymbolicLink, path, other: target))
    }

    public func openForReading(_ path: String) throws -> ReadableFile {
        // Refused now (a missing file, no permission) rather than at the first read.
        guard let i = try info(path, followLinks: true) else { throw TransferError(display(path), .notFound) }
        if i.kind == .directory { throw TransferError(display(path), .isDirectory) }
        return AgentReadableFile(side: self, path: path)
    }

    public func createExclusive(_ path: String, mode: Int32) throws -> WritableFile {
        _ = try call(op(.createExclusive, path, mode: mode))
        return AgentWritableFile(side: self, path: path, session: control, offset: 0)
    }

    public func setAttributes(_ path: String, mode: Int32?, modificationTime: Int64?, accessTime: Int64?) throws {
        var o = op(.setAttributes, path, mode: mode)
        o.modificationTime = modificationTime
        o.accessTime = accessTime
        _ = try call(o)
    }

    public func rename(_ from: String, to: String) throws { _ = try call(op(.rename, from, other: to)) }
    public func remove(_ path: String) throws { _ = try call(op(.remove, path)) }

    public func sha256(_ paths: [String]) throws -> [String: String] {
        guard let first = paths.first else { return [:] }
        var o = op(.sha256, first)
        o.paths = paths
        return try call(o).hashes ?? [:]
    }

    public func freeBytes(_ path: String) -> UInt64? { try? call(op(.freeBytes, path)).free }

    /// The agent hashes what it stores as it stores it (see `AgentWritableFile`), so nothing follows the file.
    public func sha256(following path: String, size: UInt64) throws -> String? { nil }

    // MARK: bytes

    func url(_ path: String, _ items: [(String, String)]) -> String {
        base + DataPlane.prefix + "/file?" + DataPlane.query([("user", user), ("path", path)] + items)
    }

    /// Reads `length` bytes of `path` from `offset` (fewer at the end of the file) into `sink`; returns the count.
    func read(_ path: String, offset: UInt64, length: UInt64, session: CurlSession,
              sink: (UnsafeRawBufferPointer) throws -> Void) throws -> UInt64 {
        var count: UInt64 = 0
        let r = try withoutActuallyEscaping(sink) { sink in
            try transport(path) {
                try session.perform(method: "GET", url: url(path, [("offset", "\(offset)"), ("length", "\(length)")])) {
                    count += UInt64($0.count)
                    try sink($0)
                }
            }
        }
        _ = try answer(r, path: path)
        return count
    }

    /// Writes one part of upload `token` at `offset`; the final part answers the upload's count and SHA-256.
    func writePart(_ path: String, token: String, offset: UInt64, bytes: UnsafeRawBufferPointer, final: Bool,
                   session: CurlSession) throws -> DataPlane.Answer {
        var items = [("offset", "\(offset)"), ("upload", token)]
        if final { items.append(("final", "1")) }
        let r = try transport(path) { try session.perform(method: "PUT", url: url(path, items), body: bytes) }
        return try answer(r, path: path)
    }

    // MARK: lanes

    public func openLanes(_ wanted: Int) -> Int {
        while lanes.count < wanted { lanes.append(CurlSession(client: client)) }
        return wanted
    }

    public func abandonLanes() {
        for lane in lanes { lane.reset() }
    }

    public func sendStretch(_ path: String, _ stretch: Stretch, lane: Int, to destination: StretchSide,
                            at destinationPath: String) throws -> (source: String, destination: (written: UInt64, digest: String))? {
        guard let other = destination as? AgentSide, other !== self else { return nil }
        if lock.withLock({ unreachable[other.base] != nil }) { return nil }
        guard lanes.indices.contains(lane) else { return nil }
        let push = DataPlane.Push(user: user, path: path, offset: stretch.offset, length: stretch.length, to: other.base,
                                  destinationUser: other.user, destination: destinationPath,
                                  destinationOffset: stretch.offset)
        let body = try JSONEncoder().encode(push)
        let r = try transport(path) {
            try body.withUnsafeBytes { raw in
                try lanes[lane].perform(method: "POST", url: base + DataPlane.prefix + "/push", body: raw, json: true)
            }
        }
        if r.status == 502, let failure = try? JSONDecoder().decode(DataPlane.Failure.self, from: r.body),
           failure.cause == "unreachable" {
            lock.withLock { unreachable[other.base] = failure.message }
            return nil
        }
        // A refusal by the destination agent is about the destination's file.
        let answer = r.headers["berth-failed-side"] == "destination"
            ? try other.answer(r, path: destinationPath) : try self.answer(r, path: path)
        guard let source = answer.sha256, let stored = answer.destinationSha256, let written = answer.written else {
            throw TransferError(display(path), .other("the agent's push answered without digests"))
        }
        lock.withLock { _ = pushedTo.insert(other.base) }
        return (source, (written, stored))
    }

    public func readStretch(_ path: String, _ stretch: Stretch, lane: Int,
                            output: (UnsafeRawBufferPointer) throws -> Void) throws -> String {
        // Hashed as it arrives: TLS authenticates every record, so these are the bytes the agent read.
        let digest = SHA256Digest()
        var at = stretch.offset
        while at < stretch.end {
            let want = min(UInt64(DataPlane.chunk), stretch.end - at)
            let n = try read(path, offset: at, length: want, session: lanes[lane]) { bytes in
                digest.update(bytes)
                try output(bytes)
            }
            at += n
            if n < want { break } // shrank since it was planned; the destination's count tells
        }
        return digest.finalize()
    }

    public func writeStretch(_ path: String, _ stretch: Stretch, lane: Int,
                             fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> (written: UInt64, digest: String) {
        let file = AgentWritableFile(side: self, path: path, session: lanes[lane], offset: stretch.offset)
        let n = try file.write(from: fill, progress: { _ in })
        try file.close()
        return (UInt64(n), file.writtenHash ?? "")
    }
}

/// A file on the agent read in ranged `GET`s of `DataPlane.chunk` bytes on the side's control connection.
final class AgentReadableFile: ReadableFile {
    let side: AgentSide
    let path: String
    private var offset: UInt64 = 0
    private var buffer = Data()
    private var taken = 0
    private var atEnd = false

    init(side: AgentSide, path: String) {
        self.side = side
        self.path = path
    }

    func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        if taken == buffer.count {
            guard !atEnd else { return 0 }
            buffer.removeAll(keepingCapacity: true)
            taken = 0
            let want = UInt64(DataPlane.chunk)
            let n = try side.read(path, offset: offset, length: want, session: side.control) { bytes in
                buffer.append(bytes.bindMemory(to: UInt8.self))
            }
            offset += n
            if n < want { atEnd = true }
            if n == 0 { return 0 }
        }
        let n = min(out.count, buffer.count - taken)
        buffer.withUnsafeBytes { raw in
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[taken..<(taken + n)]))
        }
        taken += n
        return n
    }

    func close() throws {}
}

/// A file on the agent written in `PUT`s of `DataPlane.chunk` bytes, all parts of one upload: the agent hashes
/// them as it stores them, and the last part's answer carries the SHA-256 of what it stored.
final class AgentWritableFile: WritableFile {
    let side: AgentSide
    let path: String
    let session: CurlSession
    let start: UInt64
    let token = UUID().uuidString.lowercased()
    private(set) var writtenHash: String?
    var hashesWhileWriting: Bool { true }

    init(side: AgentSide, path: String, session: CurlSession, offset: UInt64) {
        self.side = side
        self.path = path
        self.session = session
        self.start = offset
    }

    func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int, progress: (Int64) -> Void) throws -> Int64 {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: DataPlane.chunk, alignment: 16)
        defer { buffer.deallocate() }
        var total: UInt64 = 0
        var ended = false
        while !ended {
            var used = 0
            while used < buffer.count {
                let n = try fill(UnsafeMutableRawBufferPointer(rebasing: buffer[used...]))
                if n <= 0 {
                    ended = true
                    break
                }
                used += n
            }
            let answer = try side.writePart(path, token: token, offset: start + total,
                                            bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<used]), final: ended,
                                            session: session)
            total += UInt64(used)
            progress(Int64(total))
            if ended { writtenHash = answer.sha256 }
        }
        return Int64(total)
    }

    func close() throws {}
}
