#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `POST /commit` and `GET /containers/{id}/changes`.
enum CommitRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let store = context.containers
        router.post("/commit") { request in
            guard let container = request.query["container"], !container.isEmpty else {
                throw APIError.invalidArgument("container is required")
            }
            var repository: ImageReference?
            if let repo = request.query["repo"], !repo.isEmpty {
                let tag = request.query["tag"].flatMap { $0.isEmpty ? nil : $0 }
                guard let reference = ImageReference(parsing: tag.map { repo + ":" + $0 } ?? repo) else {
                    throw APIError.invalidArgument("invalid reference format: repository name (\(repo)) must be lowercase")
                }
                repository = reference
            }
            var config: ContainerConfig?
            if request.body.readableBytes > 0 {
                do {
                    config = try JSONDecoder().decode(ContainerConfig.self, from: Data(request.body.readableBytesView))
                } catch {
                    throw APIError.invalidArgument("invalid JSON in the commit's config: \(error)")
                }
            }
            let commit = CommitRequest(repository: repository, comment: request.query["comment"] ?? "",
                                       author: request.query["author"] ?? "",
                                       pause: request.query["pause"] == nil || request.query.bool("pause"),
                                       config: config, changes: request.query.values("changes"))
            let id = try await store.commit(container, commit)
            return try .json(IDResponse(Id: id), status: .created)
        }
        router.get("/containers/{id}/changes") { request in
            try .json(await store.changes(try request.parameter("id")))
        }
    }
}
