import Glibc

/// Namespaces named under /run/netns exactly as iproute2 keeps them, so `ip netns` lists them and
/// `ip netns exec NAME` enters them: /run/netns is a shared mount (mounts made there reach other mount
/// namespaces), each namespace a bind mount on /run/netns/NAME.
public struct NamedNamespaces: Sendable {
    public static let directory = "/run/netns"
    let system = SystemNamespaces()

    public init() {}

    public func path(_ name: String) -> String { Self.directory + "/" + name }

    public func exists(_ name: String) -> Bool { access(path(name), F_OK) == 0 }

    /// `ip netns add NAME`.
    public func add(_ name: String) throws {
        FileSystem.makeDirectories(Self.directory)
        // As iproute2: make /run/netns a shared mount point, bind-mounting it on itself the first time.
        if mount("", Self.directory, "none", UInt(MS_SHARED | MS_REC), nil) != 0 {
            guard errno == EINVAL,
                  mount(Self.directory, Self.directory, "none", UInt(MS_BIND | MS_REC), nil) == 0,
                  mount("", Self.directory, "none", UInt(MS_SHARED | MS_REC), nil) == 0 else {
                throw NetlinkError.system(step: "mount --make-shared \(Self.directory)", errno: errno)
            }
        }
        guard !exists(name) else { throw NetlinkError.system(step: "create namespace \(name)", errno: EEXIST) }
        try system.create(at: path(name))
    }

    /// `ip netns del NAME`; quiet when there is none.
    public func delete(_ name: String) {
        guard exists(name) else { return }
        system.remove(at: path(name))
    }

    /// `ip netns pids NAME`.
    public func pids(_ name: String) -> [Int32] { system.pids(of: path(name)) }

    /// The names under /run/netns.
    public func list() -> [String] { FileSystem.entries(Self.directory).sorted() }
}
