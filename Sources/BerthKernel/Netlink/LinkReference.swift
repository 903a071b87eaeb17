/// A link named by its interface name or its index in a namespace. Requests carry names where a person would;
/// a session resolves them to indices (``NetlinkContext``) where the kernel wants an index.
public enum LinkReference: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    case name(String)
    case index(Int32)

    public init(stringLiteral value: String) { self = .name(value) }

    public var description: String {
        switch self {
        case .name(let n): return n
        case .index(let i): return "index \(i)"
        }
    }
}
