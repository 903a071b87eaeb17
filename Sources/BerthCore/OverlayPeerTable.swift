/// libnetwork's peer table: every endpoint of every overlay network the store holds, fed by the watch. Joins and
/// leaves only change the table; ``entries(network:)`` says what the machine's VXLAN device of that network must
/// hold (a neighbour and a forwarding entry per remote endpoint), and the driver programs the difference.
public struct OverlayPeerTable: Sendable, Equatable {
    /// The engine ID of this machine: its own endpoints need no tunnel entries.
    public var localNode: String
    var endpoints: [String: [String: OverlayEndpoint]] = [:]

    public init(localNode: String) { self.localNode = localNode }

    /// Adds or replaces an endpoint (a put under `endpoints/`).
    public mutating func upsert(_ endpoint: OverlayEndpoint) {
        endpoints[endpoint.networkID, default: [:]][endpoint.id] = endpoint
    }

    /// Removes an endpoint (a delete under `endpoints/`, or its lease expired); returns it when it was known.
    @discardableResult
    public mutating func remove(network: String, endpoint: String) -> OverlayEndpoint? {
        let gone = endpoints[network]?.removeValue(forKey: endpoint)
        if endpoints[network]?.isEmpty == true { endpoints.removeValue(forKey: network) }
        return gone
    }

    /// Forgets a network and its endpoints (the network was removed).
    public mutating func removeNetwork(_ id: String) { endpoints.removeValue(forKey: id) }

    /// Replaces what is known of one network with a fresh listing (after a re-list, e.g. a compacted watch).
    public mutating func reset(network: String, to list: [OverlayEndpoint]) {
        endpoints[network] = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { _, b in b })
        if list.isEmpty { endpoints.removeValue(forKey: network) }
    }

    /// Every endpoint of a network, local ones included, sorted by address (for DNS answers and inspect).
    public func members(network: String) -> [OverlayEndpoint] {
        (endpoints[network] ?? [:]).values.sorted { $0.address < $1.address }
    }

    /// The endpoints of other machines on a network.
    public func remote(network: String) -> [OverlayEndpoint] {
        members(network: network).filter { $0.node != localNode }
    }

    /// Whether any machine has an endpoint on the network (`docker network rm` is refused then).
    public func hasEndpoints(network: String) -> Bool { !(endpoints[network] ?? [:]).isEmpty }

    /// The entries this machine's VXLAN device of `network` must hold.
    public func entries(network: String) -> Set<TunnelEntry> {
        var wanted = Set<TunnelEntry>()
        for e in remote(network: network) {
            wanted.insert(.neighbour(ip: e.address, mac: e.mac))
            wanted.insert(.forwarding(mac: e.mac, vtep: e.vtep))
        }
        return wanted
    }

    /// Addresses of the endpoints on `network` that `name` names (the embedded DNS server's answer); nil for none.
    public func resolve(network: String, name: String) -> [IPv4Address]? {
        let hits = members(network: network).filter { $0.answers(name) }.map(\.address)
        return hits.isEmpty ? nil : hits
    }
}
