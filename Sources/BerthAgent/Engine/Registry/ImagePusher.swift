#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthImageFormat
import BerthRuntime
import NIOCore
import NIOHTTP1

/// `docker push`: layers gzip-compressed (the digest of a layer's blob is remembered, so a second push only asks
/// whether the registry has it), monolithic blob uploads, then a schema 2 manifest under the tag.
struct ImagePusher {
    let service: RegistryService
    let images: ImageStore
    let tmpDirectory: String

    /// The tags a push sends: the one named, or every tag of the repository (`docker push NAME`).
    func tagsToPush(_ reference: DistributionReference) async throws -> [String] {
        if let tag = reference.tag {
            guard (try? await images.resolve(reference.familiarName + ":" + tag)) != nil else {
                throw APIError.notFound("An image does not exist locally with the tag: \(reference.familiarName)")
            }
            return [tag]
        }
        let prefix = reference.familiarName + ":"
        let tags = await images.allReferences().map(\.reference).filter { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
        guard !tags.isEmpty else {
            throw APIError.notFound("An image does not exist locally with the tag: \(reference.familiarName)")
        }
        return tags
    }

    func push(_ reference: DistributionReference, tags: [String], credentials: RegistryCredentials?,
              say: @escaping @Sendable (String) -> Void) async throws {
        say(ProgressMessage("The push refers to repository [\(reference.domain)/\(reference.path)]").line)
        let session = try await openSession(reference, credentials: credentials)
        for tag in tags {
            let id = try await images.resolve(reference.familiarName + ":" + tag)
            let config = try await images.config(of: id)
            let raw = try await images.rawConfig(of: id)
            let diffIDs = config.rootfs.diff_ids
            for diffID in diffIDs.reversed() {
                say(ProgressMessage("Preparing", id: ProgressMessage.shortID(diffID), detail: true).line)
            }
            var layers: [Descriptor] = []
            for diffID in diffIDs {
                layers.append(try await pushLayer(diffID, session: session, say: say))
            }
            let configDigest = Digest.sha256(raw)
            if try await !blobExists(configDigest, session: session) {
                try await upload(.bytes([UInt8](raw)), digest: configDigest, session: session)
            }
            let manifest = ImageManifest(
                config: Descriptor(mediaType: MediaType.dockerConfig, size: Int64(raw.count), digest: configDigest),
                layers: layers)
            let bytes = [UInt8](manifest.encoded())
            let url = session.repositoryURL("manifests/\(tag)")
            let digest: String = try await session.send(.PUT, url, headers: [("Content-Type", MediaType.dockerManifest)],
                                                        body: .bytes(bytes)) { response in
                let body = try await response.collect(limit: 1 << 20)
                guard response.status == 201 || response.status == 200 else {
                    throw RegistryError.registry(status: response.status,
                        message: RegistryError.registryText(body, status: response.status).text)
                }
                return response.headers.first(name: "Docker-Content-Digest") ?? Digest.sha256(Data(bytes))
            }
            try await images.addDigest(reference.familiarDigested(digest), to: id)
            say(ProgressMessage("\(tag): digest: \(digest) size: \(bytes.count)").line)
            say(ProgressMessage.pushed(tag: tag, digest: digest, size: bytes.count))
        }
    }

    /// The first endpoint whose `/v2/` answers (https, then plain http for an insecure registry).
    private func openSession(_ reference: DistributionReference,
                             credentials: RegistryCredentials?) async throws -> RegistrySession {
        let endpoints = try service.endpoints(for: reference).filter { !$0.mirror }
        var lastError: Error = RegistryError.failed("no endpoint for \(reference.domain)")
        for (index, endpoint) in endpoints.enumerated() {
            let session = RegistrySession(service: service, endpoint: endpoint, repository: reference.path,
                                          credentials: credentials, actions: "pull,push")
            do {
                try await session.send(.GET, session.url("/v2/")) { response in
                    _ = try? await response.collect(limit: 1 << 20)
                }
                return session
            } catch let error as RegistryError {
                lastError = error
                guard index < endpoints.count - 1 else {
                    if case .tls(let url, let reason) = error, reason.contains("x509") {
                        throw RegistryError.tls(url: url, reason: reason + " (" + endpoint.certsHint + ")")
                    }
                    throw error
                }
            }
        }
        throw lastError
    }

    private func blobExists(_ digest: String, session: RegistrySession) async throws -> Bool {
        try await session.send(.HEAD, session.repositoryURL("blobs/\(digest)")) { response in
            response.status == 200
        }
    }

    /// One layer: skipped when the registry has its blob, else compressed and uploaded.
    private func pushLayer(_ diffID: String, session: RegistrySession,
                           say: @escaping @Sendable (String) -> Void) async throws -> Descriptor {
        let id = ProgressMessage.shortID(diffID)
        if let known = await images.blobRecord(diffID), try await blobExists(known.digest, session: session) {
            say(ProgressMessage("Layer already exists", id: id, detail: true).line)
            return Descriptor(mediaType: known.mediaType, size: known.size, digest: known.digest)
        }
        var source = await images.layerTarPath(diffID)
        if !FileManager.default.fileExists(atPath: source) {
            try await images.repackLayer(diffID)
            source = await images.layerTarPath(diffID)
        }
        try FileManager.default.createDirectory(atPath: tmpDirectory, withIntermediateDirectories: true)
        let compressed = tmpDirectory + "/push-\(UUID().uuidString).tar.gz"
        defer { try? FileManager.default.removeItem(atPath: compressed) }
        let input = source
        let (digest, size) = try await Blocking.run { () throws -> (String, Int64) in
            let reader = try FileTarInput(path: input)
            defer { reader.close() }
            var from = reader
            let sink = try FileSink(path: compressed)
            let hash = SHA256Digest()
            var size: Int64 = 0
            let gzip = try GzipStream(.deflate(level: 1))
            let write: (UnsafeRawBufferPointer) throws -> Void = { bytes in
                hash.update(bytes)
                size += Int64(bytes.count)
                try sink.write(Array(bytes))
            }
            while true {
                let chunk = try from.read(1 << 20)
                if chunk.isEmpty { break }
                try chunk.withUnsafeBytes { try gzip.feed($0, write) }
            }
            try gzip.finish(write)
            try sink.close()
            return ("sha256:" + hash.finalize(), size)
        }
        let record = ImageStore.BlobRecord(digest: digest, size: size, mediaType: MediaType.dockerLayerGzip)
        if try await blobExists(digest, session: session) {
            await images.setBlobRecord(record, for: diffID)
            say(ProgressMessage("Layer already exists", id: id, detail: true).line)
            return Descriptor(mediaType: record.mediaType, size: size, digest: digest)
        }
        try await upload(.file(path: compressed, size: size, progress: { sent in
            if sent == size || sent % (4 << 20) < (1 << 20) {
                say(ProgressMessage("Pushing", id: id, current: sent, total: size).line)
            }
        }), digest: digest, session: session)
        await images.setBlobRecord(record, for: diffID)
        say(ProgressMessage("Pushed", id: id, detail: true).line)
        return Descriptor(mediaType: record.mediaType, size: size, digest: digest)
    }

    /// A monolithic upload: `POST …/blobs/uploads/`, then `PUT <Location>&digest=…` with the bytes.
    private func upload(_ body: RegistryRequestBody, digest: String, session: RegistrySession) async throws {
        let start = session.repositoryURL("blobs/uploads/")
        let location: RegistryURL = try await session.send(.POST, start) { response in
            let text = try await response.collect(limit: 1 << 20)
            guard response.status == 202, let header = response.headers.first(name: "Location"),
                  let next = start.resolving(header) else {
                throw RegistryError.registry(status: response.status,
                    message: "Post \"\(start)\": \(RegistryError.registryText(text, status: response.status).text)")
            }
            return next
        }
        let put = location.adding(query: [("digest", digest)])
        try await session.send(.PUT, put, headers: [("Content-Type", "application/octet-stream")], body: body) { response in
            let text = try await response.collect(limit: 1 << 20)
            guard response.status == 201 || response.status == 204 else {
                throw RegistryError.registry(status: response.status,
                    message: "Put \"\(location)\": \(RegistryError.registryText(text, status: response.status).text)")
            }
        }
    }
}
