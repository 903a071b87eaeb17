/// Where a network lives, as docker's `Scope` says: `local` (this host), `global` (every host of a cluster store,
/// as overlay networks do) or `swarm`.
public enum NetworkScope: String, Codable, Sendable, Equatable {
    case local, global, swarm
}

extension NetworkDriver {
    public var scope: NetworkScope { .local }
}
