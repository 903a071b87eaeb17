/// Where the overlay driver keeps its cluster-wide state in the store. Pure: the etcd client and the kernel
/// programming live elsewhere. Every key that must be unique across the cluster (a network's name, its VNI, its
/// subnet, an endpoint's address) has a key of its own, taken with a create-if-absent transaction, so two machines
/// racing for the same one cannot both win.
///
/// ```
/// <prefix>/networks/<id>                 the network (OverlayNetworkSpec as JSON)
/// <prefix>/names/<name>                  -> <id>
/// <prefix>/vnis/<vni>                    -> <id>
/// <prefix>/subnets/10.0.1.0-24           -> <id>
/// <prefix>/endpoints/<id>/<endpoint-id>  an endpoint (OverlayEndpoint as JSON), on its machine's node lease
/// <prefix>/addresses/<id>/10.0.1.2       -> <endpoint-id>, on the same lease
/// ```
public struct OverlayLayout: Sendable, Equatable {
    public static let defaultPrefix = "/berth/overlay"
    public var prefix: String

    public init(prefix: String = OverlayLayout.defaultPrefix) {
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
    }

    public var networksPrefix: String { prefix + "/networks/" }
    public var endpointsPrefix: String { prefix + "/endpoints/" }

    public func networkKey(_ id: String) -> String { networksPrefix + id }
    public func nameKey(_ name: String) -> String { prefix + "/names/" + name }
    public func vniKey(_ vni: Int) -> String { prefix + "/vnis/\(vni)" }
    public func subnetKey(_ subnet: IPv4Network) -> String { prefix + "/subnets/\(subnet.address)-\(subnet.prefix)" }
    public func endpointsPrefix(network id: String) -> String { endpointsPrefix + id + "/" }
    public func endpointKey(network id: String, endpoint: String) -> String { endpointsPrefix(network: id) + endpoint }
    public func addressesPrefix(network id: String) -> String { prefix + "/addresses/" + id + "/" }
    public func addressKey(network id: String, address: IPv4Address) -> String {
        addressesPrefix(network: id) + "\(address)"
    }

    /// What a watched key is about.
    public enum Key: Equatable, Sendable {
        case network(id: String)
        case endpoint(network: String, endpoint: String)
        /// A uniqueness claim (name, VNI, subnet, address): nothing to program.
        case claim
    }

    /// Classifies a key under ``prefix``; nil for keys of others.
    public func classify(_ key: String) -> Key? {
        guard key.hasPrefix(prefix + "/") else { return nil }
        let parts = key.dropFirst(prefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("networks", 2) where !parts[1].isEmpty: return .network(id: String(parts[1]))
        case ("endpoints", 3) where !parts[1].isEmpty && !parts[2].isEmpty:
            return .endpoint(network: String(parts[1]), endpoint: String(parts[2]))
        case ("names", 2), ("vnis", 2), ("subnets", 2), ("addresses", 3): return .claim
        default: return nil
        }
    }
}
