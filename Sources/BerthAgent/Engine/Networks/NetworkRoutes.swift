#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `docker network create/ls/inspect/connect/disconnect/rm/prune`.
enum NetworkRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let networks = context.networks
        let containers = context.containers
        router.get("/networks") { request in
            var list = await networks.list()
            if let filters = request.query["filters"], !filters.isEmpty,
               let parsed = try? JSONDecoder().decode([String: [String: Bool]].self, from: Data(filters.utf8)) {
                list = list.filter { n in
                    parsed.allSatisfy { key, values in
                        values.keys.contains { v in
                            switch key {
                            case "name": return n.Name.contains(v)
                            case "id": return n.Id.hasPrefix(v)
                            case "driver": return n.Driver == v
                            case "type": return (v == "builtin") == ["bridge", "host", "none"].contains(n.Name)
                            default: return true
                            }
                        }
                    }
                }
            }
            return try .json(list)
        }
        router.get("/networks/{id}") { request in try .json(await networks.inspect(try request.parameter("id"))) }
        router.post("/networks/create") { request in
            let body = try JSONDecoder().decode(NetworkCreateRequest.self, from: Data(request.body.readableBytesView))
            let id = try await networks.create(body)
            return try .json(NetworkCreateResponse(Id: id, Warning: ""), status: .created)
        }
        router.delete("/networks/{id}") { request in
            try await networks.remove(try request.parameter("id"))
            return .noContent
        }
        router.post("/networks/prune") { _ in
            return try .json(NetworkPruneResponse(NetworksDeleted: await networks.prune()))
        }
        router.post("/networks/{id}/connect") { request in
            let body = try JSONDecoder().decode(NetworkConnectRequest.self, from: Data(request.body.readableBytesView))
            try await containers.connect(body.Container, network: try request.parameter("id"),
                                         settings: body.EndpointConfig ?? EndpointSettings())
            return .init(status: .ok)
        }
        router.post("/networks/{id}/disconnect") { request in
            let body = try JSONDecoder().decode(NetworkConnectRequest.self, from: Data(request.body.readableBytesView))
            try await containers.disconnect(body.Container, network: try request.parameter("id"))
            return .init(status: .ok)
        }
    }
}
