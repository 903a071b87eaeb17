#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthFiles
import BerthKernel
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The data plane (see ``DataPlane``): file operations for `berth scp`, each run as the user the request names.
enum DataPlaneRoutes {
    static func register(on router: inout Router, configuration: AgentConfiguration, volumes: VolumeStore? = nil) {
        let uploads = UploadLedger()
        let peers = DataPlanePeers(caFile: configuration.tlsCACert, certificateFile: configuration.tlsCert,
                                   keyFile: configuration.tlsKey)
        router.post(DataPlane.prefix + "/push") { request in
            let push: DataPlane.Push
            do {
                push = try JSONDecoder().decode(DataPlane.Push.self, from: Data(request.body.readableBytesView))
            } catch {
                return .message(.badRequest, "bad data plane push: \(error)")
            }
            return try await answer(path: push.path) { try await peers.push(push) }
        }
        router.get(DataPlane.prefix + "/ping") { _ in try .json(DataPlane.Ping()) }
        DataPlaneTreeRoutes.register(on: &router, configuration: configuration, peers: peers, volumes: volumes)
        router.post(DataPlane.prefix + "/fs") { request in
            let operation: DataPlane.Operation
            do {
                operation = try JSONDecoder().decode(DataPlane.Operation.self, from: Data(request.body.readableBytesView))
            } catch {
                return .message(.badRequest, "bad data plane operation: \(error)")
            }
            return try await answer(path: operation.path) { () async throws -> Response in
                let identity = try FileIdentity.lookup(operation.user)
                let result: DataPlane.Answer = try await identity.run { try DataPlane.perform(operation, on: LocalSide()) }
                return try Response.json(result)
            }
        }
        router.get(DataPlane.prefix + "/file") { request in
            let user = try required(request, "user"), path = try required(request, "path")
            let offset = try request.query.int("offset") ?? 0
            let length = try request.query.int("length") ?? Int.max
            guard offset >= 0, length >= 0 else { return .message(.badRequest, "offset and length must be >= 0") }
            let opened: Response = try await answer(path: path) {
                let identity = try FileIdentity.lookup(user)
                let fd = try await identity.run { () throws -> Int32 in
                    let fd = open(path, O_RDONLY | O_CLOEXEC)
                    guard fd >= 0 else { throw LocalSide.error(path, errno) }
                    return fd
                }
                return Response(status: .ok, headers: ["Content-Type": "application/octet-stream"],
                                body: .stream { writer in try await send(fd: fd, path: path, offset: offset,
                                                                         length: length, to: writer) })
            }
            return opened
        }
        router.put(DataPlane.prefix + "/file") { request in
            let user = try required(request, "user"), path = try required(request, "path")
            let token = try required(request, "upload")
            let offset = try request.query.int("offset") ?? 0
            let final = request.query.bool("final")
            guard let part = uploads.checkOut(token, path: path, offset: offset) else {
                return .message(.conflict, "upload \(token) of \(path) does not continue at \(offset)")
            }
            let body = request.body
            return try await answer(path: path) {
                let identity = try FileIdentity.lookup(user)
                do {
                    try await identity.run { try write(body, to: path, at: offset, hashing: part.digest) }
                } catch {
                    uploads.forget(token)
                    throw error
                }
                part.written += UInt64(body.readableBytes)
                var result = DataPlane.Answer()
                result.written = part.written
                if final {
                    uploads.forget(token)
                    result.sha256 = part.digest.finalize()
                } else {
                    uploads.checkIn(token, part, next: offset + body.readableBytes)
                }
                return try .json(result)
            }
        }
    }

    /// The query parameter `name`, refused with 400 when absent.
    static func required(_ request: Request, _ name: String) throws -> String {
        guard let value = request.query[name], !value.isEmpty else { throw APIError.invalidArgument("\(name) is required") }
        return value
    }

    /// Runs `body`; a refused file operation becomes `422` with a ``DataPlane/Failure``, an unknown user `403`.
    static func answer(path: String, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as TransferError {
            return try .json(DataPlane.Failure(error), status: .unprocessableEntity)
        } catch let error as FileIdentity.UnknownUser {
            return try .json(DataPlane.Failure(cause: "permissionDenied", message: error.description, path: path),
                             status: .forbidden)
        } catch let error as IdentityFailure {
            return try .json(DataPlane.Failure(cause: "other", message: error.description, path: path),
                             status: .internalServerError)
        }
    }

    /// Streams `length` bytes (or to the end) of `fd` from `offset`, then closes it.
    static func send(fd: Int32, path: String, offset: Int, length: Int, to writer: any ResponseBodyWriter) async throws {
        defer { close(fd) }
        var at = offset
        let end = length == Int.max ? Int.max : offset + length
        let piece = 1 << 20
        while at < end {
            let want = min(piece, end - at), from = at
            let chunk = try await Blocking.run { () throws -> ByteBuffer? in
                var buffer = ByteBufferAllocator().buffer(capacity: want)
                let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { raw in
                    while true {
                        let n = pread(fd, raw.baseAddress, want, off_t(from))
                        if n >= 0 { return n }
                        if errno != EINTR { throw LocalSide.error(path, errno) }
                    }
                }
                return n == 0 ? nil : buffer
            }
            guard let chunk else { break }
            at += chunk.readableBytes
            try await writer.write(chunk)
        }
    }

    /// Writes `body` at `offset` of the existing file `path` and adds it to the upload's digest.
    static func write(_ body: ByteBuffer, to path: String, at offset: Int, hashing digest: SHA256Digest) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LocalSide.error(path, errno) }
        var failure: Int32 = 0
        body.withUnsafeReadableBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
            digest.update(UnsafeRawBufferPointer(raw))
        }
        let closed = close(fd) == 0 ? 0 : errno
        if failure != 0 { throw LocalSide.error(path, failure) }
        // close(2) can report a delayed write error (NFS, a full disk).
        if closed != 0 && closed != EINTR { throw LocalSide.error(path, closed) }
    }
}

/// The uploads under way: per token, the file, where its next part starts and the digest so far. A part is checked
/// out while it is written, so the digest is only ever touched by one thread.
final class UploadLedger: Sendable {
    final class Part: @unchecked Sendable {
        let path: String
        let digest = SHA256Digest()
        var written: UInt64 = 0
        var next: Int
        var touched = Date()

        init(path: String, next: Int) {
            self.path = path
            self.next = next
        }
    }

    private let parts = NIOLockedValueBox<[String: Part]>([:])
    /// An upload not continued for this long is forgotten (its client went away).
    static let idleLimit: TimeInterval = 600

    /// The upload `token` if its next part starts at `offset` (a new one when the token is new), else nil.
    func checkOut(_ token: String, path: String, offset: Int) -> Part? {
        parts.withLockedValue { parts in
            let now = Date()
            parts = parts.filter { now.timeIntervalSince($0.value.touched) < Self.idleLimit }
            guard let part = parts.removeValue(forKey: token) else { return Part(path: path, next: offset) }
            guard part.path == path, part.next == offset else {
                parts[token] = part
                return nil
            }
            return part
        }
    }

    func checkIn(_ token: String, _ part: Part, next: Int) {
        part.next = next
        part.touched = Date()
        parts.withLockedValue { $0[token] = part }
    }

    func forget(_ token: String) {
        _ = parts.withLockedValue { $0.removeValue(forKey: token) }
    }
}
