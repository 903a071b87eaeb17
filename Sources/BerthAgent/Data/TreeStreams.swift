#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthFiles
import BerthImageFormat
import Dispatch
import Glibc
import NIOConcurrencyHelpers
import NIOCore

/// Volume trees as tar streams (see ``DataPlane/Tree``): a sender packs a directory on its own thread, a receiver
/// extracts into a staging directory on its own thread. Each talks to the HTTP side through a local socket pair,
/// which bounds what is in flight and carries an early end either way (writes use MSG_NOSIGNAL: a closed peer is an
/// error, never a SIGPIPE for the agent).
enum TreeStreams {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw Failure(description: "socketpair: \(String(cString: strerror(errno)))")
        }
        // 4 MiB each way: past net.core.wmem_max with the FORCE options (the agent is root), else what it allows.
        var size: Int32 = 4 << 20
        let length = socklen_t(MemoryLayout<Int32>.size)
        for fd in fds {
            if setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, length) != 0 {
                _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, length)
            }
            if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, length) != 0 {
                _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, length)
            }
        }
        return (fds[0], fds[1])
    }

    /// Sends every byte; false when the other end is gone (or another error), with errno set.
    static func sendAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < raw.count {
            let n = send(fd, raw.baseAddress! + done, raw.count - done, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }

    /// Reads up to `count` bytes into a buffer; nil at the end of the stream.
    static func read(_ fd: Int32, upTo count: Int) throws -> ByteBuffer? {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var filled = 0
        while filled < count {
            let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - filled) { raw in
                while true {
                    let n = Glibc.read(fd, raw.baseAddress, count - filled)
                    if n >= 0 { return n }
                    if errno != EINTR { throw Failure(description: "read: \(String(cString: strerror(errno)))") }
                }
            }
            if n == 0 { break }
            filled += n
        }
        return filled == 0 ? nil : buffer
    }

    /// Removes a directory tree (a staging directory), quietly.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A tar of one directory, made on a thread of its own into a socket that ``read(upTo:)`` drains. The tar starts
/// with `.` (the directory's own owner, mode and time), then its contents as `LayerPacker` packs image layers.
final class TreeSender: @unchecked Sendable {
    let token = UUID().uuidString.lowercased()
    private let output: Int32
    private let digest = SHA256Digest()
    private(set) var bytes: UInt64 = 0
    private let done = DispatchSemaphore(value: 0)
    private var failure: String?
    /// The packer stopped because the reading side was closed (the request ended early), not on its own.
    private var cut = false
    private var closed = false

    /// After ``finish()``: whether the tar itself failed (a file that could not be read), rather than being cut
    /// short by this side.
    var failedOnItsOwn: Bool { failure != nil }

    struct ReaderGone: Error {}

    init(directory: String) throws {
        var st = stat()
        guard lstat(directory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw TreeStreams.Failure(description: "no such directory: \(directory)")
        }
        let (mine, packer) = try TreeStreams.socketPair()
        output = mine
        let root = TarEntry(path: ".", type: .directory, mode: UInt32(st.st_mode & 0o7777), uid: Int(st.st_uid),
                            gid: Int(st.st_gid), mtime: st.st_mtim.tv_sec)
        DispatchQueue.global().async { [self] in
            var pending: [UInt8] = []
            pending.reserveCapacity(1 << 20)
            func flush() throws {
                let ok = pending.withUnsafeBytes { TreeStreams.sendAll(packer, $0) }
                guard ok else { throw ReaderGone() }
                pending.removeAll(keepingCapacity: true)
            }
            do {
                pending += TarWriter.header(root)
                try LayerPacker.pack(directory, as: ".", overlayWhiteouts: false) { piece in
                    pending += piece
                    if pending.count >= 1 << 20 { try flush() }
                }
                try flush()
            } catch is ReaderGone {
                cut = true
            } catch {
                failure = "tar of \(directory): \(error)"
            }
            close(packer)
            done.signal()
        }
    }

    deinit { if !closed { close(output) } }

    /// Held while a read is under way, so ``finish()`` closes the socket only once no thread reads it.
    private let reading = NIOLock()

    /// The next bytes of the tar (at most `count`), hashed as they go; nil at its end.
    func read(upTo count: Int) throws -> ByteBuffer? {
        reading.lock()
        defer { reading.unlock() }
        guard !closed else { return nil }
        guard let chunk = try TreeStreams.read(output, upTo: count) else { return nil }
        chunk.withUnsafeReadableBytes { digest.update($0) }
        bytes += UInt64(chunk.readableBytes)
        return chunk
    }

    /// After the end of the stream (or to stop early: the packer then fails): how the send went.
    func finish() -> DataPlane.TreeResult {
        // A read still under way (a part fetched ahead) ends at once: both directions are shut first.
        if !closed { shutdown(output, Int32(SHUT_RDWR)) }
        reading.withLock {
            if !closed {
                closed = true
                close(output)
            }
        }
        done.wait()
        if let failure { return DataPlane.TreeResult(bytes: bytes, message: failure) }
        if cut { return DataPlane.TreeResult(bytes: bytes, message: "the tar was stopped before its end") }
        return DataPlane.TreeResult(bytes: bytes, sha256: digest.finalize())
    }
}

/// A tar extracted, as its parts arrive, into a new staging directory by a thread of its own. The staging directory
/// goes when the extraction fails or the receive is given up.
final class TreeReceiver: @unchecked Sendable {
    let token = UUID().uuidString.lowercased()
    let staging: String
    private let input: Int32
    private let digest = SHA256Digest()
    private(set) var bytes: UInt64 = 0
    private let done = DispatchSemaphore(value: 0)
    private var failure: String?
    private var closed = false
    private var finished: DataPlane.TreeResult?
    var touched = Date()

    init(root: String) throws {
        let name = DataPlane.Tree.stagingName(pid: getpid(), started: Int(Date().timeIntervalSince1970),
                                              random: String(UInt64.random(in: 0...UInt64.max), radix: 16))
        staging = root + "/" + name
        guard mkdir(root, 0o701) == 0 || errno == EEXIST else {
            throw TreeStreams.Failure(description: "mkdir \(root): \(String(cString: strerror(errno)))")
        }
        guard mkdir(staging, 0o755) == 0 else {
            throw TreeStreams.Failure(description: "mkdir \(staging): \(String(cString: strerror(errno)))")
        }
        let pair: (Int32, Int32)
        do { pair = try TreeStreams.socketPair() } catch {
            rmdir(staging)
            throw error
        }
        input = pair.0
        let unpacker = pair.1
        let target = staging
        DispatchQueue.global().async { [self] in
            var source = FileTarInput(fd: unpacker)
            do {
                var reader = TarReader(source)
                try LayerUnpacker.unpack(&reader, into: target, whiteouts: .none, keepOwners: true)
                // The rest of the stream (GNU tar pads to whole records) is read too: the sum covers every byte.
                while !(try source.read(1 << 16)).isEmpty {}
            } catch {
                failure = "extracting into \(target): \(error)"
            }
            close(unpacker)
            done.signal()
        }
    }

    deinit { if !closed { close(input) } }

    /// Hands a part to the extraction. A refusal is the extraction's own failure (it stopped reading).
    func write(_ body: ByteBuffer) throws {
        touched = Date()
        let ok = body.withUnsafeReadableBytes { raw in
            digest.update(raw)
            return TreeStreams.sendAll(input, raw)
        }
        bytes += UInt64(body.readableBytes)
        if !ok {
            let result = finish()
            throw TreeStreams.Failure(description: result.message ?? "the extraction stopped reading")
        }
    }

    /// Ends the stream and waits for the extraction: the bytes and SHA-256 that arrived, or why it failed (then the
    /// staging directory is gone).
    func finish() -> DataPlane.TreeResult {
        if let finished { return finished }
        closed = true
        close(input)
        done.wait()
        let result: DataPlane.TreeResult
        if let failure {
            TreeStreams.remove(staging)
            result = DataPlane.TreeResult(bytes: bytes, message: failure)
        } else {
            result = DataPlane.TreeResult(bytes: bytes, sha256: digest.finalize(), staging: staging)
        }
        finished = result
        return result
    }

    /// Gives the receive up: the extraction is cut short and the staging directory removed.
    func abort() {
        if finished == nil {
            if !closed {
                closed = true
                shutdown(input, Int32(SHUT_RDWR))
                close(input)
            }
            done.wait()
            finished = DataPlane.TreeResult(bytes: bytes, message: "given up")
        }
        TreeStreams.remove(staging)
    }
}

/// The sends and receives under way. Results of finished sends wait here for their `result` call; a receive that
/// nobody continues for ``idleLimit`` is given up, and a send result nobody fetched is dropped.
final class TreeLedger: Sendable {
    private let receivers = NIOLockedValueBox<[String: TreeReceiver]>([:])
    private let results = NIOLockedValueBox<[String: (DataPlane.TreeResult, Date)]>([:])
    static let idleLimit: TimeInterval = 600

    func add(_ receiver: TreeReceiver) {
        let stale: [TreeReceiver] = receivers.withLockedValue { all in
            let now = Date()
            let old = all.values.filter { now.timeIntervalSince($0.touched) > Self.idleLimit }
            for r in old { all.removeValue(forKey: r.token) }
            all[receiver.token] = receiver
            return old
        }
        for r in stale { r.abort() }
    }

    private let busy = NIOLockedValueBox<Set<String>>([])

    /// The receive `token` for its part at `offset`, held until ``checkIn(_:)``; nil when there is no such receive,
    /// another part of it is being written, or the part does not continue where the last one ended.
    func checkOut(_ token: String, offset: UInt64) -> TreeReceiver? {
        guard let receiver = receivers.withLockedValue({ $0[token] }) else { return nil }
        let taken = busy.withLockedValue { busy -> Bool in
            guard !busy.contains(token), receiver.bytes == offset else { return false }
            busy.insert(token)
            return true
        }
        return taken ? receiver : nil
    }

    func checkIn(_ token: String) { _ = busy.withLockedValue { $0.remove(token) } }

    func receiver(_ token: String) -> TreeReceiver? { receivers.withLockedValue { $0[token] } }

    func remove(_ token: String) -> TreeReceiver? { receivers.withLockedValue { $0.removeValue(forKey: token) } }

    /// The staging directories of receives under way.
    var activeStagings: Set<String> {
        receivers.withLockedValue { Set($0.values.map { String($0.staging.split(separator: "/").last ?? "") }) }
    }

    func record(_ result: DataPlane.TreeResult, for token: String) {
        results.withLockedValue { all in
            let now = Date()
            all = all.filter { now.timeIntervalSince($0.value.1) < Self.idleLimit }
            all[token] = (result, now)
        }
    }

    func takeResult(_ token: String) -> DataPlane.TreeResult? {
        results.withLockedValue { $0.removeValue(forKey: token)?.0 }
    }
}
