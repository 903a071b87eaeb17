import NIOHTTP1

/// Swarm mode, which berthd does not implement, answered as dockerd answers on a node that is in no swarm:
/// 503 with dockerd's messages (clients match them, and ignore "not part of a swarm" on cleanup).
enum SwarmRoutes {
    /// dockerd's `errNoManager` (daemon/cluster/errors.go).
    static let notManager = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."
    /// dockerd's `errNoSwarm`, the answer of `POST /swarm/leave` outside a swarm.
    static let notInSwarm = "This node is not part of a swarm"

    /// Every swarm route as (method, pattern, message).
    static let table: [(HTTPMethod, String, String)] = {
        var rows: [(HTTPMethod, String, String)] = [
            (.GET, "/swarm", notManager), (.POST, "/swarm/init", notManager), (.POST, "/swarm/join", notManager),
            (.POST, "/swarm/leave", notInSwarm), (.POST, "/swarm/update", notManager),
            (.GET, "/swarm/unlockkey", notManager), (.POST, "/swarm/unlock", notManager),
        ]
        for noun in ["nodes", "services", "tasks", "secrets", "configs"] {
            rows += [(.GET, "/\(noun)", notManager), (.GET, "/\(noun)/{id}", notManager),
                     (.DELETE, "/\(noun)/{id}", notManager), (.POST, "/\(noun)/{id}/update", notManager)]
            if noun != "nodes" && noun != "tasks" { rows.append((.POST, "/\(noun)/create", notManager)) }
        }
        rows += [(.GET, "/services/{id}/logs", notManager), (.GET, "/tasks/{id}/logs", notManager)]
        return rows
    }()

    static func register(on router: inout Router) {
        for (method, pattern, message) in table {
            let handler: RequestHandler = { _ in throw APIError.unavailable(message) }
            router.add(method, pattern, handler)
        }
    }
}
