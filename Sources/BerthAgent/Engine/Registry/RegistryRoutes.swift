#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthImageFormat
import NIOCore
import NIOHTTP1

/// `docker pull`, `push`, `login` and `search`: the registry API v2 as dockerd uses it.
enum RegistryRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        router.post("/images/{name*}/push") { request in try await push(request, context: context) }
        router.post("/auth") { request in try await login(request, context: context) }
        router.get("/images/search") { request in try await search(request, context: context) }
        router.get("/distribution/{name*}/json") { request in
            let name = try request.parameter("name")
            let reference: DistributionReference
            do { reference = try DistributionReference(parsing: name).withDefaultTag } catch {
                throw APIError.invalidArgument("\(error)")
            }
            let puller = ImagePuller(service: context.registry, images: context.images, fetches: context.layerFetches,
                                     tmpDirectory: context.configuration.dataRoot + "/tmp")
            return try .json(await puller.inspectDistribution(reference, credentials: try credentials(request)))
        }
    }

    static func credentials(_ request: Request) throws -> RegistryCredentials? {
        do { return try RegistryCredentials.decodeHeader(request.headers.first(name: "X-Registry-Auth")) } catch {
            throw APIError.invalidArgument("\(error)")
        }
    }

    /// `fromImage` and `tag` as the CLI sends them (`tag` may be a digest); errors before the stream are HTTP
    /// errors, later ones end the stream with an error line, as with dockerd.
    static func pull(_ request: Request, context: EngineContext) async throws -> Response {
        let image = request.query["fromImage"] ?? ""
        let tag = request.query["tag"].flatMap { $0.isEmpty ? nil : $0 }
        var text = image
        if let tag { text += tag.hasPrefix("sha256:") ? "@" + tag : ":" + tag }
        let reference: DistributionReference
        do { reference = try DistributionReference(parsing: text).withDefaultTag } catch {
            throw APIError.invalidArgument("\(error)")
        }
        var platform = ImagePuller.hostPlatform
        if let wanted = request.query["platform"], !wanted.isEmpty {
            let parts = wanted.split(separator: "/").map(String.init)
            guard parts.count >= 2 else { throw APIError.invalidArgument("invalid platform \(wanted): expected os/arch[/variant]") }
            platform = Platform(architecture: parts[1], os: parts[0], variant: parts.count > 2 ? parts[2] : nil)
        }
        let puller = ImagePuller(service: context.registry, images: context.images, fetches: context.layerFetches,
                                 tmpDirectory: context.configuration.dataRoot + "/tmp")
        let resolved = try await puller.resolve(reference, credentials: try credentials(request), platform: platform)
        let events = context.events
        return progressStream { say in
            _ = try await puller.pull(resolved, say: say)
            events.publish(type: "image", action: "pull", id: reference.familiarTagged ?? reference.description,
                           attributes: ["name": reference.familiarTagged ?? reference.description])
        }
    }

    /// A JSON-lines stream fed by `work` (from any task); an error becomes the stream's last line.
    static func progressStream(_ work: @escaping @Sendable (@escaping @Sendable (String) -> Void) async throws -> Void)
        -> Response {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return Response(headers: headers, body: .stream { writer in
            let (lines, sink) = AsyncStream.makeStream(of: String.self)
            let task = Task {
                defer { sink.finish() }
                do { try await work { sink.yield($0) } } catch {
                    sink.yield(ProgressMessage.error("\(error)"))
                }
            }
            do {
                for await line in lines { try await writer.write(writer.allocator.buffer(string: line)) }
            } catch {
                // the client went away; the pull or push goes on to its end, as with dockerd
            }
            await task.value
        })
    }

    // MARK: push

    static func push(_ request: Request, context: EngineContext) async throws -> Response {
        let name = try request.parameter("name")
        let tag = request.query["tag"].flatMap { $0.isEmpty ? nil : $0 }
        let reference: DistributionReference
        do { reference = try DistributionReference(parsing: name + (tag.map { ":" + $0 } ?? "")) } catch {
            throw APIError.invalidArgument("\(error)")
        }
        let credentials = try credentials(request)
        let pusher = ImagePusher(service: context.registry, images: context.images,
                                 tmpDirectory: context.configuration.dataRoot + "/tmp")
        let tags = try await pusher.tagsToPush(reference)
        let events = context.events
        return progressStream { say in
            try await pusher.push(reference, tags: tags, credentials: credentials, say: say)
            events.publish(type: "image", action: "push", id: reference.description,
                           attributes: ["name": reference.description])
        }
    }

    // MARK: login

    /// `POST /auth`: checks the credentials against the registry's `/v2/` (with the token dance when it asks).
    static func login(_ request: Request, context: EngineContext) async throws -> Response {
        let credentials: RegistryCredentials
        do { credentials = try JSONDecoder().decode(RegistryCredentials.self, from: Data(request.body.readableBytesView)) } catch {
            throw APIError.invalidArgument("invalid login request: \(error)")
        }
        var server = credentials.serveraddress ?? ""
        for prefix in ["https://", "http://"] where server.hasPrefix(prefix) { server = String(server.dropFirst(prefix.count)) }
        if let slash = server.firstIndex(of: "/") { server = String(server[..<slash]) }
        if server.isEmpty || server == "index.docker.io" || server == "registry-1.docker.io" { server = "docker.io" }
        let reference = DistributionReference(domain: server, path: "library/berth-login", tag: "latest", digest: nil)
        let endpoints = try context.registry.endpoints(for: reference).filter { !$0.mirror }
        var lastError: Error = RegistryError.failed("no endpoint for \(server)")
        for (index, endpoint) in endpoints.enumerated() {
            let session = RegistrySession(service: context.registry, endpoint: endpoint, repository: "",
                                          credentials: credentials, actions: "pull")
            let url = session.url("/v2/")
            do {
                let status = try await session.send(.GET, url) { response in
                    _ = try? await response.collect(limit: 1 << 20)
                    return response.status
                }
                guard status == 200 else {
                    throw APIError.unauthorized("login attempt to \(url) failed with status: \(status) "
                        + (status == 401 ? "Unauthorized" : HTTPResponseStatus(statusCode: status).reasonPhrase))
                }
                return try .json(AuthResponse(Status: "Login Succeeded", IdentityToken: ""))
            } catch let error as RegistryError {
                lastError = error
                if case .unauthorized(let message) = error { throw APIError.unauthorized(message) }
                if index < endpoints.count - 1 { continue }
                if case .tls(let url, let reason) = error, reason.contains("x509") {
                    throw RegistryError.tls(url: url, reason: reason + " (" + endpoint.certsHint + ")")
                }
            }
        }
        throw lastError
    }

    struct AuthResponse: Codable { var Status: String; var IdentityToken: String }

    // MARK: search

    /// `GET /images/search`: the registry's v1 search, where it has one.
    static func search(_ request: Request, context: EngineContext) async throws -> Response {
        guard let term = request.query["term"], !term.isEmpty else {
            throw APIError.invalidArgument("search term is required")
        }
        let limit = Int(request.query["limit"] ?? "") ?? 25
        guard (1...100).contains(limit) else { throw APIError.invalidArgument("limit \(limit) is outside the range of [1, 100]") }
        var domain = DistributionReference.defaultDomain
        var query = term
        if let slash = term.firstIndex(of: "/") {
            let first = String(term[..<slash])
            if first.contains(".") || first.contains(":") || first == "localhost" {
                domain = first
                query = String(term[term.index(after: slash)...])
            }
        }
        let authority = domain == DistributionReference.defaultDomain ? "index.docker.io" : domain
        let reference = DistributionReference(domain: domain, path: "library/search", tag: "latest", digest: nil)
        let endpoint = try context.registry.endpoints(for: reference).filter { !$0.mirror }.first!
        let session = RegistrySession(service: context.registry, endpoint: endpoint, repository: "",
                                      credentials: try credentials(request), actions: "pull")
        var url = session.url("/v1/search")
        url.host = RegistryService.host(of: authority)
        url = url.adding(query: [("q", query), ("n", "\(limit)")])
        let body: [UInt8] = try await session.send(.GET, url) { response in
            let body = try await response.collect()
            guard response.status == 200 else {
                throw RegistryError.registry(status: 500, message: "Unexpected status code \(response.status)")
            }
            return body
        }
        struct Results: Codable {
            struct Item: Codable {
                var name: String; var description: String?; var star_count: Int?; var is_official: Bool?
                var is_automated: Bool?
            }
            var results: [Item]
        }
        guard let results = try? JSONDecoder().decode(Results.self, from: Data(body)) else {
            throw RegistryError.failed("the registry's search answer is not JSON")
        }
        return try .json(Array(results.results.prefix(limit)))
    }
}
