import BerthCore
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
            let filters = try FilterArgs.parse(request.query["filters"])
            if let key = filters.unknownKey(among: Self.listFilters) {
                throw APIError.invalidArgument("invalid filter '\(key)'")
            }
            return try .json(await networks.list().filter { Self.matches($0, filters) })
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
        router.post("/networks/prune") { request in
            let filter = try PruneFilter(query: request.query["filters"])
            return try .json(NetworkPruneResponse(NetworksDeleted: await networks.prune(filter)))
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

    /// The keys dockerd's `GET /networks` takes.
    static let listFilters: Set<String> = ["name", "id", "driver", "type", "label", "scope", "dangling"]

    /// Whether `network` passes `filters` as dockerd's list has them: a name or ID containing the value (the full ID
    /// or a prefix of it, from docker-py's `ids=`), labels as `key` or `key=value`, `type` builtin or custom.
    static func matches(_ network: NetworkResource, _ filters: FilterArgs) -> Bool {
        let builtin = ["bridge", "host", "none"].contains(network.Name)
        return filters.allows("name") { network.Name.contains($0) }
            && filters.allows("id") { network.Id.contains($0) }
            && filters.allows("driver") { network.Driver == $0 }
            && filters.allows("scope") { network.Scope == $0 }
            && filters.allows("type") { ($0 == "builtin") == builtin }
            && filters.labelsMatch(network.Labels)
            && filters.allows("dangling") { ["true", "1"].contains($0) == (!builtin && network.Containers.isEmpty) }
    }
}
