import Glibc

/// What went wrong talking to the kernel, naming the step: `netlink: add link veth1234 type veth: File exists`.
public enum NetlinkError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kernel refused a request: the step, the errno and the kernel's extended-ack message if it gave one.
    case kernel(step: String, errno: Int32, message: String?)
    /// A system call around the conversation failed (socket, send, receive, open a namespace, setns).
    case system(step: String, errno: Int32)
    /// The kernel's answer could not be read.
    case malformed(String)

    public var errno: Int32? {
        switch self {
        case .kernel(_, let e, _), .system(_, let e): return e
        case .malformed: return nil
        }
    }

    /// The object exists already (EEXIST).
    public var isExists: Bool { errno == EEXIST }
    /// The link, address, route or entry is not there (ENODEV, ENOENT, ESRCH, EADDRNOTAVAIL).
    public var isMissing: Bool { [ENODEV, ENOENT, ESRCH, EADDRNOTAVAIL].contains(errno ?? 0) }

    public var description: String {
        switch self {
        case .kernel(let step, let e, let message):
            return "netlink: \(step): \(String(cString: strerror(e)))" + (message.map { " (\($0))" } ?? "")
        case .system(let step, let e):
            return "\(step): \(String(cString: strerror(e)))"
        case .malformed(let what):
            return "netlink: malformed answer: \(what)"
        }
    }
}
