/// One kernel entry a cross-host driver keeps on its tunnel device, as flanneld and libnetwork's overlay program
/// them. Pure: a driver computes the set it wants from the store, diffs it with what it programmed, and hands the
/// difference to the netlink seam.
public enum TunnelEntry: Hashable, Sendable, CustomStringConvertible {
    /// `ip neigh replace IP lladdr MAC dev D nud permanent`
    case neighbour(ip: IPv4Address, mac: String)
    /// `bridge fdb replace MAC dev D dst VTEP self permanent`
    case forwarding(mac: String, vtep: IPv4Address)
    /// `ip route replace SUBNET via GATEWAY [dev D onlink]`
    case route(subnet: IPv4Network, via: IPv4Address, onlink: Bool)

    public var description: String {
        switch self {
        case .neighbour(let ip, let mac): return "neigh \(ip) lladdr \(mac) permanent"
        case .forwarding(let mac, let vtep): return "fdb \(mac) dst \(vtep) self permanent"
        case .route(let subnet, let via, let onlink): return "route \(subnet) via \(via)" + (onlink ? " onlink" : "")
        }
    }

    /// Additions go neighbours, forwarding entries, then routes (a route's gateway must resolve first); removals
    /// the other way round.
    public var rank: Int {
        switch self {
        case .neighbour: return 0
        case .forwarding: return 1
        case .route: return 2
        }
    }
}

/// What changes between the entries programmed and the entries wanted, in the order to apply them.
public struct TunnelDiff: Equatable, Sendable {
    public var remove: [TunnelEntry]
    public var add: [TunnelEntry]

    public var isEmpty: Bool { remove.isEmpty && add.isEmpty }

    public init(remove: [TunnelEntry] = [], add: [TunnelEntry] = []) {
        self.remove = remove
        self.add = add
    }

    /// From `programmed` to `wanted`: removals first (routes before neighbours), then additions (neighbours before
    /// routes); each group sorted so the order is stable.
    public static func between(programmed: Set<TunnelEntry>, wanted: Set<TunnelEntry>) -> TunnelDiff {
        let order: (TunnelEntry, TunnelEntry) -> Bool = { a, b in
            a.rank != b.rank ? a.rank < b.rank : a.description < b.description
        }
        return TunnelDiff(remove: programmed.subtracting(wanted).sorted(by: order).reversed(),
                          add: wanted.subtracting(programmed).sorted(by: order))
    }
}
