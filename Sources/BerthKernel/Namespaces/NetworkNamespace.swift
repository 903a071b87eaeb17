/// Which network namespace a netlink session (or a veth peer, or a link being moved) lives in.
public enum NetworkNamespace: Hashable, Sendable, CustomStringConvertible {
    /// The namespace of this process. Berth's threads never leave it: only the dedicated threads of
    /// ``NamespaceThread`` enter other namespaces.
    case current
    /// A namespace file: a bind mount such as `/run/netns/NAME` or `/proc/PID/ns/net`.
    case path(String)
    /// An open namespace file descriptor, owned by the caller.
    case fd(Int32)

    public var description: String {
        switch self {
        case .current: return "this process's namespace"
        case .path(let p): return p
        case .fd(let fd): return "namespace fd \(fd)"
        }
    }
}
