/// One rtnetlink request, typed. ``encode(sequence:context:)`` turns it into the bytes `ip` would send; a
/// ``NetlinkSession`` sends it and checks the kernel's answer; a fake records it.
public enum NetlinkRequest: Sendable, Equatable {
    case addLink(LinkSpec)
    case setLink(LinkReference, LinkChange)
    case deleteLink(LinkReference)
    case getLink(LinkReference)
    case listLinks
    case addAddress(InterfaceAddress, replace: Bool)
    case deleteAddress(InterfaceAddress)
    case listAddresses
    case addRoute(IPv4Route, replace: Bool)
    case addAddress6(InterfaceAddress6)
    case addRoute6(IPv6Route)
    case deleteRoute(IPv4Route)
    case listRoutes
    case replaceNeighbour(Neighbour)
    case deleteNeighbour(Neighbour)
    case listNeighbours
    case replaceFDB(FDBEntry)
    case deleteFDB(FDBEntry)
    case listFDB

    /// A dump: answered by many messages ending in NLMSG_DONE.
    public var isDump: Bool {
        switch self {
        case .listLinks, .listAddresses, .listRoutes, .listNeighbours, .listFDB: return true
        default: return false
        }
    }

    /// Whether the kernel's answer may change which index a name has (a session forgets what it resolved).
    var changesLinks: Bool {
        switch self {
        case .addLink, .setLink, .deleteLink: return true
        default: return false
        }
    }
}

extension NetlinkRequest: CustomStringConvertible {
    /// The step, as an error names it: `add link veth1234 type veth`.
    public var description: String {
        switch self {
        case .addLink(let spec):
            return "add link \(spec.name) type \(spec.kind.kernelName)"
        case .setLink(let link, let change):
            var parts = ["set link \(link)"]
            if let up = change.up { parts.append(up ? "up" : "down") }
            if let master = change.master { parts.append(master == .index(0) ? "nomaster" : "master \(master)") }
            if let mtu = change.mtu { parts.append("mtu \(mtu)") }
            if let address = change.address { parts.append("address \(address)") }
            if let name = change.name { parts.append("name \(name)") }
            if let ns = change.namespace { parts.append("netns \(ns)") }
            return parts.joined(separator: " ")
        case .deleteLink(let link): return "delete link \(link)"
        case .getLink(let link): return "get link \(link)"
        case .listLinks: return "list links"
        case .addAddress(let a, let replace): return (replace ? "replace" : "add") + " address \(a)"
        case .deleteAddress(let a): return "delete address \(a)"
        case .listAddresses: return "list addresses"
        case .addRoute(let r, let replace): return (replace ? "replace" : "add") + " route \(r)"
        case .addAddress6(let a): return "add address \(a)"
        case .addRoute6(let r): return "add route \(r)"
        case .deleteRoute(let r): return "delete route \(r)"
        case .listRoutes: return "list routes"
        case .replaceNeighbour(let n): return "replace neighbour \(n)"
        case .deleteNeighbour(let n): return "delete neighbour \(n)"
        case .listNeighbours: return "list neighbours"
        case .replaceFDB(let e): return "replace fdb \(e)"
        case .deleteFDB(let e): return "delete fdb \(e)"
        case .listFDB: return "list fdb"
        }
    }
}

/// What encoding needs from the world: link indices for names and file descriptors for namespaces.
public struct NetlinkContext {
    public var index: (LinkReference) throws -> Int32
    public var namespaceFD: (NetworkNamespace) throws -> Int32

    public init(index: @escaping (LinkReference) throws -> Int32,
                namespaceFD: @escaping (NetworkNamespace) throws -> Int32) {
        self.index = index
        self.namespaceFD = namespaceFD
    }
}
