#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1

/// `docker import`, `images`, `image inspect`, `tag`, `rmi`.
enum ImageRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let images = context.images
        router.post("/images/create") { request in try await create(request, context: context) }
        router.get("/images/json") { request in
            var filter = try ImageListFilter(query: request.query["filters"])
            // before and since name an image: the list keeps those created before or after it.
            if let name = filter.filters["before"].first { filter.before = try await images.summary(of: name).Created }
            if let name = filter.filters["since"].first { filter.since = try await images.summary(of: name).Created }
            let counts = await context.containers.imageUseCounts()
            return try .json(await images.summaries(containers: counts).compactMap(filter.apply))
        }
        router.get("/images/{name*}/json") { request in
            var inspect = try await images.inspect(try request.parameter("name"))
            if request.apiVersion >= APIVersion(major: 1, minor: 50) {
                inspect.Config = ImageConfigView(inspect.Config.config, imageOnly: true)
            }
            return try .json(inspect)
        }
        router.post("/images/{name*}/tag") { request in
            guard let repo = request.query["repo"], !repo.isEmpty else {
                throw APIError.invalidArgument("repository name must have at least one component")
            }
            try await images.tag(source: try request.parameter("name"), repository: repo, tag: request.query["tag"])
            return Response(status: .created)
        }
        router.post("/images/prune") { request in
            let filter = try PruneFilter(query: request.query["filters"], allowDangling: true)
            let used = await context.containers.imageUsers()
            return try .json(await images.prune(filter, usedBy: used))
        }
        router.delete("/images/{name*}") { request in
            let used = await context.containers.imageUsers()
            return try .json(await images.remove(try request.parameter("name"), force: request.query.bool("force"),
                                                 usedBy: used))
        }
    }

    /// `POST /images/create`: `fromSrc=-` imports the body; `fromImage` pulls from a registry.
    static func create(_ request: Request, context: EngineContext) async throws -> Response {
        guard let source = request.query["fromSrc"] else {
            guard let image = request.query["fromImage"], !image.isEmpty else {
                throw APIError.invalidArgument("either fromImage or fromSrc is required")
            }
            return try await RegistryRoutes.pull(request, context: context)
        }
        guard source == "-" else { throw APIError.notImplemented("import from a URL is not supported") }
        var reference: ImageReference?
        if let repo = request.query["repo"], !repo.isEmpty {
            let tag = request.query["tag"].flatMap { $0.isEmpty ? nil : $0 }
            let text = tag.map { repo + ":" + $0 } ?? repo
            guard let parsed = ImageReference(parsing: text) else { throw ImageStoreError.invalidReference(text) }
            reference = parsed
        }
        let tmp = context.configuration.dataRoot + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let tarPath = tmp + "/import-\(UUID().uuidString).tar"
        let data = Data(request.body.readableBytesView)
        try data.write(to: URL(fileURLWithPath: tarPath))
        defer { try? FileManager.default.removeItem(atPath: tarPath) }
        let changes = try ImportChanges.parse(request.query.values("changes"))
        let id = try await context.images.importRootfs(tarPath: tarPath, reference: reference,
                                                       comment: request.query["message"], changes: changes)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return Response(status: .ok, headers: headers, body: .buffer(ByteBuffer(string: "{\"status\":\"\(id)\"}\r\n")))
    }
}

/// The `--change` instructions of `docker import` that berthd understands: CMD, ENTRYPOINT, ENV, WORKDIR, USER.
enum ImportChanges {
    static func parse(_ changes: [String]) throws -> ContainerConfig? {
        guard !changes.isEmpty else { return nil }
        var config = ContainerConfig()
        for change in changes {
            let trimmed = String(change.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw APIError.invalidArgument("invalid change: \(change)") }
            let value = parts[1]
            func list() -> [String] {
                if let data = value.data(using: .utf8), let array = try? JSONDecoder().decode([String].self, from: data) {
                    return array
                }
                return ["/bin/sh", "-c", value]
            }
            switch parts[0].uppercased() {
            case "CMD": config.Cmd = list()
            case "ENTRYPOINT": config.Entrypoint = list()
            case "ENV":
                // `ENV k v` and `ENV k=v` both become `k=v`.
                let entry = value.contains("=") ? value
                    : value.split(separator: " ", maxSplits: 1).joined(separator: "=")
                config.Env = (config.Env ?? []) + [entry]
            case "WORKDIR": config.WorkingDir = value
            case "USER": config.User = value
            case "VOLUME":
                let paths = value.hasPrefix("[") ? list() : value.split(separator: " ").map(String.init)
                for path in paths { config.Volumes = (config.Volumes ?? [:]).merging([path: EmptyObject()]) { a, _ in a } }
            default: throw APIError.invalidArgument("unsupported change: \(parts[0])")
            }
        }
        return config
    }
}
