/// Berth's keys in the cluster store, beside flannel's: one record per agent under `/berth/nodes/<engine-id>`,
/// global networks under `/berth/networks/<id>`. Pure: the store client and the watch live in the agent.
public struct ClusterLayout: Sendable, Equatable {
    public static let defaultPrefix = "/berth"
    /// Berth's own keys, without a trailing slash.
    public var prefix: String
    /// flannel's keys, watched by the same agent watch.
    public var flannel: FlannelLayout

    public init(prefix: String = ClusterLayout.defaultPrefix, flannel: FlannelLayout = FlannelLayout()) {
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.flannel = flannel
    }

    public var nodesPrefix: String { prefix + "/nodes/" }
    public var networksPrefix: String { prefix + "/networks/" }
    /// `/berth/flannel/members/<machine>`: the machines `berth flannel create/join` gave the flannel role.
    public var flannelMembersPrefix: String { prefix + "/flannel/members/" }

    /// `/berth/nodes/<engine-id>`: an agent's node record, held by a lease its agent keeps alive.
    public func nodeKey(engineID: String) -> String { nodesPrefix + engineID }

    /// `/berth/networks/<id>`: a global (cross-host) network's definition.
    public func networkKey(id: String) -> String { networksPrefix + id }

    /// The engine ID a node key names, nil for any other key.
    public func engineID(ofNodeKey key: String) -> String? {
        guard key.hasPrefix(nodesPrefix) else { return nil }
        let id = key.dropFirst(nodesPrefix.count)
        return id.isEmpty || id.contains("/") ? nil : String(id)
    }

    /// The network ID a network key names, nil for any other key.
    public func networkID(ofNetworkKey key: String) -> String? {
        guard key.hasPrefix(networksPrefix) else { return nil }
        let id = key.dropFirst(networksPrefix.count)
        return id.isEmpty || id.contains("/") ? nil : String(id)
    }

    /// The key prefixes the agent's one watch covers: Berth's keys and flannel's.
    public var watchedPrefixes: [String] { [prefix + "/", flannel.prefix + "/"] }

    /// Whether the watch covers `key`.
    public func isWatched(_ key: String) -> Bool { watchedPrefixes.contains { key.hasPrefix($0) } }
}
