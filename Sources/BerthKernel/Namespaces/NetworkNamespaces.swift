/// Making and removing network namespaces that outlive any process (bind-mounted on a file), and writing their
/// sysctls. Drivers and stores take one through `init`; ``SystemNamespaces`` is the kernel's.
public protocol NetworkNamespaces: Sendable {
    /// A new network namespace, loopback up, bind-mounted on `path` (created, with its directory).
    func create(at path: String) throws
    /// Unmounts and removes a namespace made by ``create(at:)``; quiet when it is gone already.
    func remove(at path: String)
    /// Whether `path` holds a network namespace (an nsfs mount), not just the empty file under it.
    func isNamespace(_ path: String) -> Bool
    /// Writes `net.ipv4...`-style `key` under /proc/sys as seen from `namespace`; false when it could not.
    @discardableResult
    func sysctl(_ key: String, _ value: String, in namespace: NetworkNamespace) -> Bool
}
