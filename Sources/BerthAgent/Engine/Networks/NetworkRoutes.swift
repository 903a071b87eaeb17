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
        router.get("/networks/{id*}") { request in try .json(await networks.inspect(try request.parameter("id"))) }
        router.post("/networks/create") { request in
            let body = try JSONDecoder().decode(NetworkCreateRequest.self, from: Data(request.body.readableBytesView))
            let id = try await networks.create(body)
            context.events.publish(type: "network", action: "create", id: id,
                                   attributes: ["name": body.Name, "type": body.Driver ?? "bridge"])
            return try .json(NetworkCreateResponse(Id: id, Warning: ""), status: .created)
        }
        router.delete("/networks/{id*}") { request in
            let network = try await networks.find(try request.parameter("id"))
            try await networks.remove(network.id)
            context.events.publish(type: "network", action: "destroy", id: network.id,
                                   attributes: ["name": network.name, "type": network.driver])
            return .noContent
        }
        router.post("/networks/prune") { _ in
            return try .json(NetworkPruneResponse(NetworksDeleted: await networks.prune()))
        }
        /// dockerd's `connect` event: on the network, naming the container (a created one's comes when it starts).
        @Sendable func publishEndpoint(_ action: String, _ container: String, _ reference: String) async {
            guard let network = try? await networks.find(reference), let record = try? await containers.find(container),
                  record.state.Running else { return }  // a created container connects when it starts
            context.events.publish(type: "network", action: action, id: network.id,
                                   attributes: ["container": record.id, "name": network.name, "type": network.driver])
        }
        router.post("/networks/{id*}/connect") { request in
            let body = try JSONDecoder().decode(NetworkConnectRequest.self, from: Data(request.body.readableBytesView))
            try await containers.connect(body.Container, network: try request.parameter("id"),
                                         settings: body.EndpointConfig ?? EndpointSettings())
            await publishEndpoint("connect", body.Container, try request.parameter("id"))
            return .init(status: .ok)
        }
        router.post("/networks/{id*}/disconnect") { request in
            let body = try JSONDecoder().decode(NetworkConnectRequest.self, from: Data(request.body.readableBytesView))
            let network = try? await networks.find(try request.parameter("id"))
            let container = try? await containers.find(body.Container)
            try await containers.disconnect(body.Container, network: try request.parameter("id"))
            if let network, let container {
                context.events.publish(type: "network", action: "disconnect", id: network.id,
                                       attributes: ["container": container.id, "name": network.name, "type": network.driver])
            }
            return .init(status: .ok)
        }
    }
}
