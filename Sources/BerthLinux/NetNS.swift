import BerthCore
import BerthKernel
import Foundation

/// Named network namespaces under /run/netns, kept as iproute2 keeps them (so `ip netns` lists them), made with
/// BerthKernel's namespace calls instead of spawning `ip netns`.
public enum NetNS {
    static let named = NamedNamespaces()

    public static func exists(_ name: String) -> Bool { named.exists(name) }

    public static func add(_ name: String) throws { try named.add(name) }

    public static func delete(_ name: String) throws { named.delete(name) }

    /// The pids of processes whose network namespace is `name`.
    public static func pids(_ name: String) -> [Int32] { named.pids(name) }

    /// The namespace's path, for netlink sessions inside it.
    public static func namespace(_ name: String) -> NetworkNamespace { .path(named.path(name)) }
}

/// Links in the root namespace and lab namespaces, over netlink.
public enum Link {
    static let netlink = SystemNetlink()

    public static func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
    }

    /// A bridge `name` holding `address` (`A/P`), up. Safe against a parallel create doing the same.
    public static func ensureBridge(_ name: String, address: String) throws {
        let parts = address.split(separator: "/")
        guard parts.count == 2, let a = IPv4Address(String(parts[0])), let prefix = Int(parts[1]) else {
            throw BerthError.failed("bad bridge address \(address)")
        }
        try netlink.withSession(in: .current) { host in
            if try host.link(.name(name)) == nil {
                do { try host.addLink(LinkSpec(name: name, kind: .bridge)) } catch let e as NetlinkError where e.isExists {}
            }
            do {
                try host.addAddress(InterfaceAddress(address: a, prefix: prefix, device: .name(name)))
            } catch let e as NetlinkError where e.isExists {}
            try host.setLink(.name(name), LinkChange(up: true))
        }
    }

    /// Makes a veth pair `host` <-> `inside` with `inside` straight in namespace `netns`, plugs `host` into
    /// `bridge`, and gives `inside` `address` (`A/P`); loopback comes up too.
    public static func plugVeth(host: String, bridge: String, netns: String, inside: String, address: String) throws {
        let parts = address.split(separator: "/")
        guard parts.count == 2, let a = IPv4Address(String(parts[0])), let prefix = Int(parts[1]) else {
            throw BerthError.failed("bad address \(address)")
        }
        let ns = NetNS.namespace(netns)
        try netlink.withSession(in: .current) { root in
            try root.deleteLinkIfPresent(.name(host))
            try root.addLink(LinkSpec(name: host, kind: .veth(peer: VethPeer(name: inside, namespace: ns)),
                                      master: .name(bridge), up: true))
        }
        try netlink.withSession(in: ns) { box in
            try box.setLink(.name(inside), LinkChange(up: true))
            try box.addAddress(InterfaceAddress(address: a, prefix: prefix, device: .name(inside)))
            try box.setLink(.name("lo"), LinkChange(up: true))
        }
    }

    public static func delete(_ name: String) throws {
        try netlink.withSession(in: .current) { try $0.deleteLinkIfPresent(.name(name)) }
    }

    /// Waits until `name` is gone (root-side veths linger 1-3 s after their namespace is deleted).
    public static func waitGone(_ name: String, timeout: Double = 5) {
        let deadline = Date().addingTimeInterval(timeout)
        while exists(name) && Date() < deadline { usleep(50_000) }
    }

    /// IPv4 networks routed in the root namespace's main table (to refuse a lab subnet that overlaps a real one),
    /// as (destination, device): `default` or `a.b.c.d/n`.
    public static func routedNetworks(excludingDevice dev: String? = nil) -> [(String, String)] {
        guard let (routes, links) = try? netlink.withSession(in: .current, { s in (try s.routes(), try s.links()) })
        else { return [] }
        let names = Dictionary(links.map { ($0.index, $0.name) }, uniquingKeysWith: { a, _ in a })
        return routes.compactMap { r in
            guard r.table == RTNL.RT_TABLE_MAIN, case .index(let i)? = r.device, let name = names[i] else { return nil }
            if let dev, name == dev { return nil }
            return (r.destination.map { "\($0)" } ?? "default", name)
        }
    }

    /// The IPv4 addresses in namespace `netns` (lab address claims check them).
    public static func addresses(inNamespace netns: String) -> [IPv4Address] {
        (try? netlink.withSession(in: NetNS.namespace(netns)) { try $0.addresses() })?.map(\.address) ?? []
    }
}
