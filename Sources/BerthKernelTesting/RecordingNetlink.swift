import BerthKernel
import Glibc

/// A ``Netlink`` for unit tests: records every request with its namespace, and keeps just enough state to answer
/// like the kernel (links by name get indices; a lookup of a link nobody made fails with ENODEV unless it is in
/// `existing`). `failing` makes the request whose description starts with a prefix fail with an errno.
public final class RecordingNetlink: Netlink, @unchecked Sendable {
    public struct Entry: Equatable, CustomStringConvertible {
        public var namespace: NetworkNamespace
        public var request: NetlinkRequest
        public var description: String { "[\(namespace)] \(request)" }
    }

    private let lock = NSLockish()
    private var _log: [Entry] = []
    /// Links per namespace by name.
    private var links: [NetworkNamespace: [String: Link]] = [:]
    private var nextIndex: Int32 = 2
    public var failing: [(prefix: String, errno: Int32)] = []

    public init(existing: [NetworkNamespace: [String]] = [:]) {
        for (ns, names) in existing {
            for name in names { add(Link(index: takeIndex(), name: name), in: ns) }
        }
    }

    /// Everything sent so far, in order.
    public var log: [Entry] { lock.with { _log } }
    /// The requests' descriptions, each prefixed by its namespace: `[/run/netns/x] add address ...`.
    public var lines: [String] { log.map(\.description) }
    public func clear() { lock.with { _log.removeAll() } }

    public func session(in namespace: NetworkNamespace) throws -> any NetlinkSession {
        Session(owner: self, namespace: namespace)
    }

    func takeIndex() -> Int32 {
        defer { nextIndex += 1 }
        return nextIndex
    }

    func add(_ link: Link, in ns: NetworkNamespace) { links[ns, default: [:]][link.name] = link }

    func handle(_ request: NetlinkRequest, in ns: NetworkNamespace) throws -> [NetlinkObject] {
        try lock.with {
            _log.append(Entry(namespace: ns, request: request))
            if let f = failing.first(where: { request.description.hasPrefix($0.prefix) }) {
                throw NetlinkError.kernel(step: request.description, errno: f.errno, message: nil)
            }
            func missing() -> NetlinkError { .kernel(step: request.description, errno: ENODEV, message: nil) }
            switch request {
            case .addLink(let spec):
                if links[ns]?[spec.name] != nil {
                    throw NetlinkError.kernel(step: request.description, errno: EEXIST, message: nil)
                }
                add(Link(index: takeIndex(), name: spec.name, kind: spec.kind.kernelName, mtu: spec.mtu,
                         address: spec.address, flags: spec.up ? 1 : 0), in: spec.namespace ?? ns)
                if case .veth(let peer) = spec.kind {
                    add(Link(index: takeIndex(), name: peer.name, kind: "veth", mtu: peer.mtu, address: peer.address,
                             flags: 0), in: peer.namespace ?? ns)
                }
            case .deleteLink(let ref), .setLink(let ref, _):
                guard let name = self.name(ref, in: ns) else { throw missing() }
                if case .deleteLink = request { links[ns]?[name] = nil }
            case .getLink(let ref):
                guard let name = self.name(ref, in: ns), let link = links[ns]?[name] else { throw missing() }
                return [.link(link)]
            case .listLinks:
                return (links[ns] ?? [:]).values.sorted { $0.index < $1.index }.map { .link($0) }
            default:
                break
            }
            return []
        }
    }

    private func name(_ ref: LinkReference, in ns: NetworkNamespace) -> String? {
        switch ref {
        case .name(let n): return links[ns]?[n] == nil ? nil : n
        case .index(let i): return links[ns]?.values.first { $0.index == i }?.name
        }
    }

    final class Session: NetlinkSession {
        let owner: RecordingNetlink
        let namespace: NetworkNamespace
        init(owner: RecordingNetlink, namespace: NetworkNamespace) {
            self.owner = owner
            self.namespace = namespace
        }
        func perform(_ request: NetlinkRequest) throws -> [NetlinkObject] { try owner.handle(request, in: namespace) }
        func close() {}
    }
}

/// A pthread mutex, as Foundation's NSLock would be.
final class NSLockish: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func with<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
