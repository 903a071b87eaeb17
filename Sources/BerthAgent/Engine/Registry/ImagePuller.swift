#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthImageFormat
import BerthRuntime
import Glibc
import NIOCore
import NIOHTTP1

/// Layers being fetched right now, by diff ID: a second pull that needs the same layer waits for the first
/// instead of fetching it again.
actor LayerFetches {
    private var running: [String: Task<Void, Error>] = [:]

    /// Runs `work` for `diffID` unless it is already running; returns false when this caller only waited.
    func run(_ diffID: String, _ work: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        if let task = running[diffID] {
            try await task.value
            return false
        }
        let task = Task { try await work() }
        running[diffID] = task
        defer { running[diffID] = nil }
        try await task.value
        return true
    }
}

/// The answer of `GET /distribution/{name}/json`.
struct DistributionInspect: Codable, Sendable {
    struct DescriptorView: Codable, Sendable {
        var mediaType: String
        var digest: String
        var size: Int
    }
    struct PlatformView: Codable, Sendable {
        var architecture: String
        var os: String
        var variant: String?
    }
    var Descriptor: DescriptorView
    var Platforms: [PlatformView]
}

/// `docker pull`: the registry API v2 as dockerd speaks it. The manifest (and the config it names) are resolved
/// before any progress is streamed, so a wrong name is an HTTP error as with dockerd; then the layers are fetched
/// three at a time, verified against their digests while they stream, inflated as they arrive and unpacked, and
/// the image is registered only when every layer is in.
struct ImagePuller {
    let service: RegistryService
    let images: ImageStore
    let fetches: LayerFetches
    let tmpDirectory: String
    var concurrency = 3

    struct Resolved {
        var reference: DistributionReference
        var session: RegistrySession
        var manifest: ImageManifest
        var manifestDigest: String
        var rawConfig: Data
        var config: ImageConfig
        var imageID: String
    }

    static var hostPlatform: Platform {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        switch machine {
        case "x86_64": return Platform(architecture: "amd64", os: "linux")
        case "aarch64": return Platform(architecture: "arm64", os: "linux", variant: "v8")
        case "armv7l": return Platform(architecture: "arm", os: "linux", variant: "v7")
        default: return Platform(architecture: machine, os: "linux")
        }
    }

    // MARK: resolve

    /// Finds the manifest on the first endpoint that answers (mirrors first for Docker Hub) and reads the config.
    func resolve(_ reference: DistributionReference, credentials: RegistryCredentials?,
                 platform: Platform = ImagePuller.hostPlatform) async throws -> Resolved {
        let endpoints = try service.endpoints(for: reference)
        var lastError: Error = RegistryError.failed("no registry endpoint for \(reference)")
        for (index, endpoint) in endpoints.enumerated() {
            let session = RegistrySession(service: service, endpoint: endpoint, repository: reference.path,
                                          credentials: credentials, actions: "pull")
            do {
                return try await resolve(reference, on: session, platform: platform)
            } catch let error as RegistryError {
                lastError = error
                let last = index == endpoints.count - 1
                switch error {
                case .connect, .tls:
                    // next endpoint: a mirror that is down, https refused by an insecure registry's plain http
                    if last, case .tls(let url, let reason) = error, reason.contains("x509") {
                        throw RegistryError.tls(url: url, reason: reason + " (" + endpoint.certsHint + ")")
                    }
                    continue
                default:
                    if endpoint.mirror && !last { continue }
                    throw error
                }
            }
        }
        throw lastError
    }

    /// `GET /distribution/{name}/json`: the manifest's descriptor and the platforms it serves (an index's entries,
    /// or the image config's os/architecture), as dockerd answers without pulling anything.
    func inspectDistribution(_ reference: DistributionReference,
                             credentials: RegistryCredentials?) async throws -> DistributionInspect {
        let endpoints = try service.endpoints(for: reference)
        var lastError: Error = RegistryError.failed("no registry endpoint for \(reference)")
        for (index, endpoint) in endpoints.enumerated() {
            let session = RegistrySession(service: service, endpoint: endpoint, repository: reference.path,
                                          credentials: credentials, actions: "pull")
            do {
                let (document, raw, digest) = try await fetchManifest(reference.manifestReference, reference: reference,
                                                                      session: session)
                switch document {
                case .index(let list):
                    let platforms = list.manifests.compactMap(\.platform)
                    return DistributionInspect(
                        Descriptor: .init(mediaType: list.mediaType ?? MediaType.ociIndex, digest: digest, size: raw.count),
                        Platforms: platforms.map { .init(architecture: $0.architecture, os: $0.os, variant: $0.variant) })
                case .image(let manifest):
                    let bytes = try await fetchBlob(manifest.config.digest, session: session, limit: 16 << 20)
                    let config = try JSONDecoder().decode(ImageConfig.self, from: Data(bytes))
                    return DistributionInspect(
                        Descriptor: .init(mediaType: manifest.mediaType ?? MediaType.dockerManifest, digest: digest,
                                          size: raw.count),
                        Platforms: [.init(architecture: config.architecture, os: config.os, variant: nil)])
                }
            } catch let error as RegistryError {
                lastError = error
                switch error {
                case .connect, .tls: continue
                default:
                    if endpoint.mirror && index < endpoints.count - 1 { continue }
                    throw error
                }
            }
        }
        throw lastError
    }

    private func resolve(_ reference: DistributionReference, on session: RegistrySession,
                         platform: Platform) async throws -> Resolved {
        var (document, raw, digest) = try await fetchManifest(reference.manifestReference, reference: reference,
                                                              session: session)
        if let wanted = reference.digest, wanted != digest {
            throw RegistryError.digestMismatch("manifest verification failed for digest \(wanted)")
        }
        if case .index(let index) = document {
            guard let entry = index.select(platform) else {
                throw RegistryError.manifestNotFound(reference: reference.description,
                    detail: "no matching manifest for \(platform.os)/\(platform.architecture)"
                        + (platform.variant.map { "/" + $0 } ?? "") + " in the manifest list entries")
            }
            let (inner, innerRaw, innerDigest) = try await fetchManifest(entry.digest, reference: reference,
                                                                         session: session)
            guard innerDigest == entry.digest else {
                throw RegistryError.digestMismatch("manifest verification failed for digest \(entry.digest)")
            }
            _ = innerRaw
            document = inner
        }
        guard case .image(let manifest) = document else {
            throw RegistryError.failed("\(reference): a manifest list names another manifest list")
        }
        _ = raw
        let configBytes = try await fetchBlob(manifest.config.digest, session: session, limit: 16 << 20)
        let config: ImageConfig
        do {
            config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
        } catch {
            throw RegistryError.failed("invalid image config \(manifest.config.digest): \(error)")
        }
        guard config.rootfs.diff_ids.count == manifest.layers.count else {
            throw RegistryError.failed("invalid manifest: \(manifest.layers.count) layers for "
                + "\(config.rootfs.diff_ids.count) diff IDs in the image config")
        }
        return Resolved(reference: reference, session: session, manifest: manifest, manifestDigest: digest,
                        rawConfig: Data(configBytes), config: config, imageID: manifest.config.digest)
    }

    /// GETs a manifest by tag or digest; the digest is that of the bytes.
    private func fetchManifest(_ tagOrDigest: String, reference: DistributionReference,
                               session: RegistrySession) async throws -> (ManifestDocument, [UInt8], String) {
        let url = session.repositoryURL("manifests/\(tagOrDigest)")
        return try await session.send(.GET, url, headers: [("Accept", MediaType.acceptedManifests.joined(separator: ", "))]) { response in
            let body = try await response.collect(limit: 4 << 20)
            guard response.status == 200 else {
                throw Self.failure(response.status, body, reference: reference, url: url)
            }
            let document: ManifestDocument
            do {
                document = try ManifestDocument.parse(Data(body), contentType: response.headers.first(name: "Content-Type"))
            } catch {
                throw RegistryError.failed("\(error)")
            }
            return (document, body, Digest.sha256(Data(body)))
        }
    }

    static func failure(_ status: Int, _ body: [UInt8], reference: DistributionReference,
                        url: RegistryURL) -> RegistryError {
        let (code, text) = RegistryError.registryText(body, status: status)
        switch (status, code) {
        case (404, "NAME_UNKNOWN"?): return .repositoryNotFound(repository: reference.familiarName, detail: text)
        case (404, _): return .manifestNotFound(reference: reference.description, detail: text)
        case (401, _), (403, _):
            return .unauthorized("Head \"\(url)\": \(code == nil ? "unauthorized: authentication required" : text)")
        default: return .registry(status: status, message: "Get \"\(url)\": \(text)")
        }
    }

    /// A small blob (a config), checked against its digest.
    private func fetchBlob(_ digest: String, session: RegistrySession, limit: Int) async throws -> [UInt8] {
        let url = session.repositoryURL("blobs/\(digest)")
        let body = try await session.send(.GET, url) { response in
            let body = try await response.collect(limit: limit)
            guard response.status == 200 else {
                throw RegistryError.registry(status: response.status,
                                             message: "Get \"\(url)\": \(RegistryError.registryText(body, status: response.status).text)")
            }
            return body
        }
        guard Digest.sha256(Data(body)) == digest else {
            throw RegistryError.digestMismatch("image config verification failed for digest \(digest)")
        }
        return body
    }

    // MARK: layers

    /// Fetches what is missing and registers the image; `say` gets each progress line.
    func pull(_ resolved: Resolved, say: @escaping @Sendable (String) -> Void) async throws -> String {
        let reference = resolved.reference
        say(ProgressMessage("Pulling from \(reference.path)",
                            id: reference.tag ?? reference.digest).line)
        let upToDate = await images.isComplete(resolved.imageID)
        let layers = Array(zip(resolved.manifest.layers, resolved.config.rootfs.diff_ids))
        var pending: [(Descriptor, String)] = []
        for (layer, diffID) in layers {
            let id = ProgressMessage.shortID(layer.digest)
            if await images.hasLayer(diffID) {
                say(ProgressMessage("Already exists", id: id, detail: true).line)
            } else {
                say(ProgressMessage("Pulling fs layer", id: id, detail: true).line)
                pending.append((layer, diffID))
            }
        }
        // A failed layer does not stop the others: what completes is kept for the next pull.
        let failures = await withTaskGroup(of: Error?.self) { group -> [Error] in
            var next = 0
            func start() {
                guard next < pending.count else { return }
                let (layer, diffID) = pending[next]
                next += 1
                group.addTask {
                    do { try await fetchLayer(layer, diffID: diffID, session: resolved.session, say: say) } catch {
                        return error
                    }
                    return nil
                }
            }
            for _ in 0..<concurrency { start() }
            var failures: [Error] = []
            while let result = await group.next() {
                if let result { failures.append(result) }
                start()
            }
            return failures
        }
        if let first = failures.first { throw first }
        let id = try await images.addImage(rawConfig: resolved.rawConfig)
        guard id == resolved.imageID else {
            throw RegistryError.digestMismatch("image config verification failed for digest \(resolved.imageID)")
        }
        if let tagged = reference.familiarTagged, let local = ImageReference(parsing: tagged) {
            try await images.setReference(local, to: id)
        }
        try await images.addDigest(reference.familiarDigested(resolved.manifestDigest), to: id)
        say(ProgressMessage("Digest: \(resolved.manifestDigest)").line)
        let shown = reference.familiarTagged ?? reference.familiarDigested(resolved.manifestDigest)
        say(ProgressMessage(upToDate ? "Status: Image is up to date for \(shown)"
                                     : "Status: Downloaded newer image for \(shown)").line)
        return id
    }

    /// Streams one layer into a tar under the data root's tmp (inflating gzip as it arrives), checks both digests,
    /// and unpacks it. Nothing is left behind on failure.
    private func fetchLayer(_ layer: Descriptor, diffID: String, session: RegistrySession,
                            say: @escaping @Sendable (String) -> Void) async throws {
        let id = ProgressMessage.shortID(layer.digest)
        let images = self.images
        let tmp = tmpDirectory
        let fetchedHere = try await fetches.run(diffID) {
            if await images.hasLayer(diffID) { return }
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            let path = tmp + "/pull-\(UUID().uuidString).tar"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let url = session.repositoryURL("blobs/\(layer.digest)")
            do {
            try await session.send(.GET, url) { response in
                guard response.status == 200 else {
                    let body = (try? await response.collect(limit: 1 << 20)) ?? []
                    throw RegistryError.registry(status: response.status,
                        message: "Get \"\(url)\": \(RegistryError.registryText(body, status: response.status).text)")
                }
                let total = response.contentLength ?? layer.size
                let sink = try FileSink(path: path)
                var closed = false
                defer { if !closed { try? sink.close() } }
                let blobHash = SHA256Digest()
                let tarHash = SHA256Digest()
                var inflater: GzipStream?
                var inflateError: Error?
                var decided = false
                var received: Int64 = 0
                var shown: Int64 = -1
                let write: (UnsafeRawBufferPointer) throws -> Void = { bytes in
                    tarHash.update(bytes)
                    try sink.write(Array(bytes))
                }
                while let chunk = try await response.next() {
                    try chunk.withUnsafeReadableBytes { raw in
                        blobHash.update(raw)
                        if !decided {
                            decided = true
                            if raw.count >= 2, raw[0] == 0x1f, raw[1] == 0x8b { inflater = try GzipStream(.inflate) }
                        }
                        guard inflateError == nil else { return }
                        do {
                            if let inflater { try inflater.feed(raw, write) } else { try write(raw) }
                        } catch let error as GzipStream.Failure {
                            inflateError = error  // the digest decides what to report
                        }
                    }
                    received += Int64(chunk.readableBytes)
                    if received - shown >= 512 << 10 || received == total {
                        shown = received
                        say(ProgressMessage("Downloading", id: id, current: received, total: total).line)
                    }
                }
                if inflateError == nil {
                    do { try inflater?.finish(write) } catch { inflateError = error }
                }
                closed = true
                try sink.close()
                say(ProgressMessage("Verifying Checksum", id: id, detail: true).line)
                guard "sha256:" + blobHash.finalize() == layer.digest else {
                    throw RegistryError.digestMismatch("filesystem layer verification failed for digest \(layer.digest)")
                }
                if let inflateError { throw RegistryError.failed("layer \(layer.digest): \(inflateError)") }
                guard "sha256:" + tarHash.finalize() == diffID else {
                    throw RegistryError.digestMismatch("filesystem layer verification failed for digest \(layer.digest): "
                        + "its content is not the diff ID \(diffID) the image config names")
                }
                say(ProgressMessage("Download complete", id: id, detail: true).line)
            }
            } catch let error as LayerError {
                // the disk, not the registry: name the file, as dockerd does
                var reason = error.description
                if reason.hasPrefix("write: ") { reason = String(reason.dropFirst(7)) }
                throw RegistryError.failed("write \(path): \(reason)")
            }
            let size = FileSize.of(path).map(Int64.init) ?? 0
            say(ProgressMessage("Extracting", id: id, current: size, total: size).line)
            _ = try await images.storeLayer(tarPath: path, knownDiffID: diffID)
            await images.setBlobRecord(.init(digest: layer.digest, size: layer.size, mediaType: layer.mediaType), for: diffID)
        }
        if !fetchedHere { say(ProgressMessage("Download complete", id: id, detail: true).line) }
        say(ProgressMessage("Pull complete", id: id, detail: true).line)
    }
}
