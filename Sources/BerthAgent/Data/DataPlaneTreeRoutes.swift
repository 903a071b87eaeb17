#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthFiles
import BerthImageFormat
import Glibc
import NIOCore
import NIOHTTP1
import NIOSSL

/// The volume-tree routes of the data plane (see ``DataPlane/Tree``), confined to `<data root>/volumes` and the
/// directories of bind-backed volumes.
enum DataPlaneTreeRoutes {
    static func register(on router: inout Router, configuration: AgentConfiguration, peers: DataPlanePeers,
                         volumes store: VolumeStore?) {
        let ledger = TreeLedger()
        let volumes = TarEntry.cleanAbsolute(configuration.dataRoot) + "/volumes"
        let prefix = DataPlane.Tree.prefix
        /// A directory that may be sent: under the volumes directory, or a bind-backed volume's own.
        @Sendable func readable(_ path: String) async throws -> String {
            let cleaned = TarEntry.cleanAbsolute(path)
            if let store, !path.split(separator: "/").contains(".."), await store.mountpoints().contains(cleaned) {
                return cleaned
            }
            return try inside(volumes, path)
        }

        router.get(prefix) { request in
            let path = try DataPlaneRoutes.required(request, "path")
            let sender: TreeSender
            do {
                sender = try TreeSender(directory: try await readable(path))
            } catch let error as TreeStreams.Failure {
                return try failure(error.description, path: path)
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-tar")
            headers.add(name: DataPlane.Tree.tokenHeader, value: sender.token)
            return Response(status: .ok, headers: headers, body: .stream { writer in
                do {
                    while let chunk = try await Blocking.run({ try sender.read(upTo: 1 << 20) }) {
                        try await writer.write(chunk)
                    }
                } catch {
                    // The reader went away: the packer stops at its next write.
                    ledger.record(try await Blocking.run { sender.finish() }, for: sender.token)
                    throw error
                }
                // Recorded before the stream ends, so a reader that saw the end finds it.
                ledger.record(try await Blocking.run { sender.finish() }, for: sender.token)
            })
        }
        router.get(prefix + "/result") { request in
            let token = try DataPlaneRoutes.required(request, "token")
            guard let result = ledger.takeResult(token) else { return .message(.notFound, "no tree send \(token)") }
            return try .json(result)
        }
        router.post(prefix + "/receive") { request in
            let root = try DataPlaneRoutes.required(request, "root")
            guard TarEntry.cleanAbsolute(root) == volumes else {
                return try failure("receives go under \(volumes), not \(root)", path: root)
            }
            let active = ledger.activeStagings
            do {
                let receiver = try await Blocking.run { () throws -> TreeReceiver in
                    sweep(volumes, active: active)
                    return try TreeReceiver(root: volumes)
                }
                ledger.add(receiver)
                return try .json(DataPlane.TreeReceipt(token: receiver.token, staging: receiver.staging))
            } catch let error as TreeStreams.Failure {
                return try failure(error.description, path: root)
            }
        }
        router.put(prefix + "/receive") { request in
            let token = try DataPlaneRoutes.required(request, "token")
            let offset = UInt64(try request.query.int("offset") ?? 0)
            guard let receiver = ledger.checkOut(token, offset: offset) else {
                return .message(.conflict, "tree receive \(token) does not continue at \(offset)")
            }
            defer { ledger.checkIn(token) }
            let body = request.body, final = request.query.bool("final")
            do {
                try await Blocking.run { try receiver.write(body) }
            } catch let error as TreeStreams.Failure {
                _ = ledger.remove(token)
                return try failure(error.description, path: receiver.staging)
            }
            guard final else { return try .json(DataPlane.TreeResult(bytes: receiver.bytes)) }
            _ = ledger.remove(token)
            let result = try await Blocking.run { receiver.finish() }
            if let message = result.message { return try failure(message, path: receiver.staging) }
            return try .json(result)
        }
        router.delete(prefix + "/receive") { request in
            let token = try DataPlaneRoutes.required(request, "token")
            if let receiver = ledger.remove(token) { try await Blocking.run { receiver.abort() } }
            return Response(status: .noContent)
        }
        router.post(prefix + "/push") { request in
            let push: DataPlane.TreePush
            do {
                push = try JSONDecoder().decode(DataPlane.TreePush.self, from: Data(request.body.readableBytesView))
            } catch {
                return .message(.badRequest, "bad tree push: \(error)")
            }
            let sender: TreeSender
            do {
                sender = try TreeSender(directory: try await readable(push.path))
            } catch let error as TreeStreams.Failure {
                return try failure(error.description, path: push.path)
            }
            return try await peers.pushTree(sender, push, client: request.client)
        }
    }

    /// `path` when it is a directory under `volumes` (no `..`), else a refusal.
    static func inside(_ volumes: String, _ path: String) throws -> String {
        let cleaned = TarEntry.cleanAbsolute(path)
        guard cleaned.hasPrefix(volumes + "/"), !path.split(separator: "/").contains("..") else {
            throw TreeStreams.Failure(description: "\(path) is not under \(volumes)")
        }
        return cleaned
    }

    static func failure(_ message: String, path: String, status: HTTPResponseStatus = .unprocessableEntity,
                        cause: String = "other", side: String? = nil) throws -> Response {
        var response = try Response.json(DataPlane.Failure(cause: cause, message: message, path: path), status: status)
        if let side { response.headers.add(name: "Berth-Failed-Side", value: side) }
        return response
    }

    /// Removes the staging directories under `volumes` that were left behind (see ``DataPlane/Tree/isAbandoned``).
    static func sweep(_ volumes: String, active: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: volumes) else { return }
        let now = Int(Date().timeIntervalSince1970), own = getpid()
        for name in names where name.hasPrefix(DataPlane.Tree.stagingPrefix) {
            var st = stat()
            guard lstat(volumes + "/" + name, &st) == 0 else { continue }
            let abandoned = DataPlane.Tree.isAbandoned(name, now: now, modified: st.st_mtim.tv_sec, ownPid: own,
                                                        active: active) { pid in kill(pid, 0) == 0 || errno == EPERM }
            if abandoned { TreeStreams.remove(volumes + "/" + name) }
        }
    }
}

extension TarEntry {
    /// An absolute path with `.` parts and repeated or trailing slashes removed.
    static func cleanAbsolute(_ path: String) -> String {
        let cleaned = clean(path)
        return cleaned == "." ? "/" : "/" + cleaned
    }
}

extension DataPlanePeers {
    /// A tree tarred here straight into a receive on the agent `push.to`. Unreachable before the first part:
    /// `502` with cause `unreachable` (the controller relays); a destination that refuses or stops answering later:
    /// its failure, marked `Berth-Failed-Side: destination`.
    func pushTree(_ sender: TreeSender, _ push: DataPlane.TreePush, client: ClientPresence) async throws -> Response {
        let tls: NIOSSLContext
        do { tls = try self.tls() } catch {
            _ = try? await Blocking.run { sender.finish() }
            return try DataPlaneTreeRoutes.failure("no client TLS here: \(error)", path: push.path, status: .badGateway,
                                                   cause: "unreachable")
        }
        func url(_ tail: String) -> RegistryURL? { RegistryURL(push.to + DataPlane.Tree.prefix + tail) }
        guard let begin = url("/receive?" + DataPlane.query([("root", push.root)])) else {
            _ = try? await Blocking.run { sender.finish() }
            return .message(.badRequest, "bad destination agent address \(push.to)")
        }
        let receipt: DataPlane.TreeReceipt
        do {
            let (status, body) = try await http.execute(.POST, begin, tls: tls) { r in (r.status, try await r.collect()) }
            guard status == 200 else {
                _ = try? await Blocking.run { sender.finish() }
                return passedOn(status, body)
            }
            receipt = try JSONDecoder().decode(DataPlane.TreeReceipt.self, from: Data(body))
        } catch let error as RegistryError {
            _ = try? await Blocking.run { sender.finish() }
            return try DataPlaneTreeRoutes.failure(Self.reason(error), path: push.root, status: .badGateway,
                                                   cause: "unreachable")
        }
        var offset: UInt64 = 0
        func giveUp() async {
            if let delete = url("/receive?" + DataPlane.query([("token", receipt.token)])) {
                _ = try? await http.execute(.DELETE, delete, tls: tls) { r in r.status }
            }
        }
        var next = Self.prefetch(sender)
        defer { next.cancel() }
        while true {
            // The controller went away (killed, interrupted): nobody would commit what arrives.
            if client.isGone {
                _ = try? await Blocking.run { sender.finish() }
                await giveUp()
                return .message(.serviceUnavailable, "the client went away")
            }
            let part: ByteBuffer
            do {
                part = try await next.value ?? ByteBuffer()
            } catch {
                _ = try? await Blocking.run { sender.finish() }
                await giveUp()
                return try DataPlaneTreeRoutes.failure("tar of \(push.path): \(error)", path: push.path)
            }
            let final = part.readableBytes < DataPlane.chunk
            // The next part is tarred while this one travels and is extracted there.
            if !final { next = Self.prefetch(sender) }
            var items = [("token", receipt.token), ("offset", "\(offset)")]
            if final { items.append(("final", "1")) }
            guard let target = url("/receive?" + DataPlane.query(items)) else { break }
            let status: Int, body: [UInt8]
            do {
                (status, body) = try await http.execute(.PUT, target, headers: [("Content-Type", "application/octet-stream")],
                                                        body: .buffer(part), tls: tls) { r in (r.status, try await r.collect()) }
            } catch let error as RegistryError {
                let sent = try await Blocking.run { sender.finish() }
                await giveUp()
                if sender.failedOnItsOwn, let message = sent.message {
                    return try DataPlaneTreeRoutes.failure(message, path: push.path)
                }
                return try DataPlaneTreeRoutes.failure("the destination agent stopped answering: \(Self.reason(error))",
                                                       path: receipt.staging, status: .badGateway, side: "destination")
            }
            guard status == 200 else {
                // A tar that stopped here reaches the other side cut short: this side's failure is the one to tell.
                let sent = try await Blocking.run { sender.finish() }
                if sender.failedOnItsOwn, let message = sent.message {
                    return try DataPlaneTreeRoutes.failure(message, path: push.path)
                }
                return passedOn(status, body)
            }
            offset += UInt64(part.readableBytes)
            if final {
                let arrived = try JSONDecoder().decode(DataPlane.TreeResult.self, from: Data(body))
                let sent = try await Blocking.run { sender.finish() }
                var result = DataPlane.TreeResult(bytes: sent.bytes, sha256: sent.sha256,
                                                  destinationSha256: arrived.sha256, staging: arrived.staging,
                                                  message: sent.message)
                if sent.message != nil { result.sha256 = nil }
                return try .json(result)
            }
        }
        _ = try? await Blocking.run { sender.finish() }
        return .message(.badRequest, "bad destination agent address \(push.to)")
    }

    /// The sender's next part, read on a thread of its own.
    static func prefetch(_ sender: TreeSender) -> Task<ByteBuffer?, Error> {
        Task { try await Blocking.run { try sender.read(upTo: DataPlane.chunk) } }
    }

    /// The other agent's refusal, marked as the destination's.
    func passedOn(_ status: Int, _ body: [UInt8]) -> Response {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Berth-Failed-Side", value: "destination")
        return Response(status: HTTPResponseStatus(statusCode: status), headers: headers, body: .buffer(ByteBuffer(bytes: body)))
    }

    static func reason(_ error: RegistryError) -> String {
        let reason: String
        switch error {
        case .connect(_, _, let why), .tls(_, let why): reason = why
        default: reason = "\(error)"
        }
        return reason.contains("UNSUPPORTED_CERTIFICATE")
            ? "it refused this agent's certificate (made before agents presented theirs to each other: "
                + "regenerate-certs renews it)" : reason
    }
}
