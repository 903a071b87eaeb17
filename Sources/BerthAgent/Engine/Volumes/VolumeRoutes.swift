#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `docker volume create/ls/inspect/rm/prune`.
enum VolumeRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let volumes = context.volumes
        let containers = context.containers
        router.post("/volumes/create") { request in
            let body = request.body.readableBytes == 0 ? VolumeCreateRequest()
                : try JSONDecoder().decode(VolumeCreateRequest.self, from: Data(request.body.readableBytesView))
            let volume = try await volumes.create(body)
            context.events.publish(type: "volume", action: "create", id: volume.Name, attributes: ["driver": volume.Driver])
            return try .json(volume, status: .created)
        }
        router.get("/volumes") { request in
            let filters = try VolumeFilters(json: request.query["filters"])
            let users = await containers.volumeUsers()
            return try .json(VolumeListResponse(Volumes: await volumes.list(filters: filters, users: users),
                                                Warnings: []))
        }
        router.get("/volumes/{name}") { request in try .json(await volumes.inspect(try request.parameter("name"))) }
        router.delete("/volumes/{name}") { request in
            let name = try request.parameter("name")
            let users = await containers.volumeUsers()
            try await volumes.remove(name, force: request.query.bool("force"), usedBy: users[name] ?? [])
            context.events.publish(type: "volume", action: "destroy", id: name, attributes: ["driver": "local"])
            return .noContent
        }
        router.post("/volumes/prune") { request in
            let filters = try VolumeFilters(json: request.query["filters"])
            let users = await containers.volumeUsers()
            return try .json(await volumes.prune(filters: filters, users: users))
        }
    }
}
