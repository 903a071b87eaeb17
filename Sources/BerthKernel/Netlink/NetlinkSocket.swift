import Glibc

/// A real rtnetlink socket (AF_NETLINK, NETLINK_ROUTE) made in one namespace. Every change is acknowledged and
/// checked; a kernel refusal becomes ``NetlinkError/kernel(step:errno:message:)`` naming the request.
public final class NetlinkSocket: NetlinkSession {
    public let namespace: NetworkNamespace
    private var fd: Int32
    private var sequence: UInt32
    /// Names resolved to indices; forgotten after any link change.
    private var indices: [String: Int32] = [:]
    /// Namespace descriptors opened for the request being encoded.
    private var opened: [Int32] = []
    private var buffer = [UInt8](repeating: 0, count: 65536)

    init(fd: Int32, namespace: NetworkNamespace) {
        self.fd = fd
        self.namespace = namespace
        sequence = UInt32(truncatingIfNeeded: time(nil))
    }

    deinit { close() }

    /// A socket in `namespace`, made on a dedicated thread when that is not this process's namespace.
    public static func open(in namespace: NetworkNamespace) throws -> NetlinkSocket {
        NetlinkSocket(fd: try NamespaceThread.run(in: namespace) { try makeSocket() }, namespace: namespace)
    }

    /// socket(2) in the calling thread's namespace, with extended acks and capped error echoes.
    static func makeSocket() throws -> Int32 {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), RTNL.NETLINK_ROUTE)
        guard fd >= 0 else { throw NetlinkError.system(step: "netlink socket", errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, RTNL.SOL_NETLINK, RTNL.NETLINK_EXT_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, RTNL.SOL_NETLINK, RTNL.NETLINK_CAP_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    @discardableResult
    public func perform(_ request: NetlinkRequest) throws -> [NetlinkObject] {
        defer {
            for d in opened { Glibc.close(d) }
            opened.removeAll()
        }
        let bytes: [UInt8]
        do {
            bytes = try request.encode(sequence: nextSequence(), context: context())
        } catch NetlinkError.kernel(let step, let e, let message) {
            throw NetlinkError.kernel(step: "\(request): \(step)", errno: e, message: message)
        }
        if request.changesLinks { indices.removeAll() }
        var isLookup = false
        if case .getLink = request { isLookup = true }
        return try exchange(bytes, step: request.description, isDump: request.isDump, isLookup: isLookup)
    }

    private func nextSequence() -> UInt32 {
        sequence &+= 1
        return sequence
    }

    private func context() -> NetlinkContext {
        NetlinkContext(index: { [unowned self] in try self.resolve($0) }, namespaceFD: { [unowned self] ns in
            switch ns {
            case .fd(let d):
                return d
            case .path(let p):
                let d = Glibc.open(p, O_RDONLY | O_CLOEXEC)
                guard d >= 0 else { throw NetlinkError.system(step: "open network namespace \(p)", errno: errno) }
                self.opened.append(d)
                return d
            case .current:
                let d = Glibc.open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)
                guard d >= 0 else { throw NetlinkError.system(step: "open /proc/self/ns/net", errno: errno) }
                self.opened.append(d)
                return d
            }
        })
    }

    private func resolve(_ link: LinkReference) throws -> Int32 {
        guard case .name(let name) = link else {
            if case .index(let i) = link { return i }
            return 0
        }
        if let i = indices[name] { return i }
        let seq = nextSequence()
        let bytes = try NetlinkRequest.getLink(link).encode(sequence: seq, context: NetlinkContext(
            index: { _ in 0 }, namespaceFD: { _ in -1 }))
        do {
            for case .link(let l) in try exchange(bytes, step: "find link \(name)", isDump: false, isLookup: true) {
                indices[name] = l.index
                return l.index
            }
        } catch NetlinkError.kernel(_, let e, let message) {
            throw NetlinkError.kernel(step: "no link \(name)", errno: e, message: message)
        }
        throw NetlinkError.kernel(step: "no link \(name)", errno: ENODEV, message: nil)
    }

    /// Sends one request and reads until its answer is complete: an acknowledgement or error, NLMSG_DONE for a
    /// dump, the object for a lookup.
    private func exchange(_ bytes: [UInt8], step: String, isDump: Bool, isLookup: Bool) throws -> [NetlinkObject] {
        guard fd >= 0 else { throw NetlinkError.system(step: "netlink: \(step)", errno: EBADF) }
        let seq = Bytes.u32(bytes[...], 8)
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw NetlinkError.system(step: "netlink send (\(step))", errno: errno) }
        var objects: [NetlinkObject] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NetlinkError.system(step: "netlink receive (\(step))", errno: errno)
            }
            for message in try NetlinkMessage.split(buffer[0..<n]) where message.sequence == seq {
                switch message.type {
                case RTNL.NLMSG_ERROR:
                    let (code, text) = try message.errorReply()
                    if code == 0 { return objects }
                    throw NetlinkError.kernel(step: step, errno: -code, message: text)
                case RTNL.NLMSG_DONE:
                    if message.payload.count >= 4 {
                        let code = Int32(bitPattern: Bytes.u32(message.payload[...], 0))
                        if code < 0 { throw NetlinkError.kernel(step: step, errno: -code, message: nil) }
                    }
                    return objects
                case RTNL.NLMSG_NOOP:
                    continue
                default:
                    if let object = NetlinkObject.decode(message) { objects.append(object) }
                    if isLookup { return objects }
                    if !isDump { continue }
                }
            }
        }
    }
}

/// The kernel's netlink: sockets in the namespaces asked for.
public struct SystemNetlink: Netlink {
    public init() {}
    public func session(in namespace: NetworkNamespace) throws -> any NetlinkSession {
        try NetlinkSocket.open(in: namespace)
    }
}
