import Glibc

/// The entry points the agent's network store has always called, now over this module's parts: namespaces through
/// ``SystemNamespaces``, sysctls, and iptables through ``IPTables``. New code takes the protocols through `init`.
public enum NetKernel {
    public typealias Failure = SpawnFailure

    static let namespaces = SystemNamespaces()
    static let firewall = IPTables()

    /// A new network namespace (loopback up) bind-mounted at `path`, linked as `/run/netns/<link>` for `ip netns`.
    public static func createNamespace(at path: String, link: String?) throws {
        try namespaces.create(at: path)
        if let link {
            FileSystem.makeDirectories(NamedNamespaces.directory)
            let linkPath = NamedNamespaces.directory + "/" + link
            unlink(linkPath)
            symlink(path, linkPath)
        }
    }

    /// Unmounts and removes a namespace made by ``createNamespace(at:link:)``; quiet when it is gone already.
    public static func removeNamespace(at path: String, link: String?) {
        if let link { unlink(NamedNamespaces.directory + "/" + link) }
        namespaces.remove(at: path)
    }

    /// Whether `path` holds a network namespace (an nsfs mount), not just the empty file under it.
    public static func isNamespace(_ path: String) -> Bool { namespaces.isNamespace(path) }

    /// Writes a sysctl under /proc/sys (in this process's network namespace); false when it could not.
    @discardableResult
    public static func sysctl(_ key: String, _ value: String) -> Bool { namespaces.sysctl(key, value, in: .current) }

    /// `iptables -w ARGS`.
    @discardableResult
    public static func iptables(_ args: [String]) throws -> String {
        try firewall.check([firewall.iptables, "-w"] + args)
    }

    /// Appends an `iptables` rule (`-t T -A ...`) unless it is there already.
    public static func ensureRule(_ rule: [String]) throws { try firewall.ensure([rule]) }
}
