import BerthCore
import BerthKernel
import Glibc
import NIOCore
import NIOPosix

/// The embedded DNS server of a user-defined network: UDP on the network's gateway address, port 53, answering
/// A queries for container names and aliases on that network; anything else gets NXDOMAIN (the lab has no
/// upstream resolver to forward to).
final class DNSServer: Sendable {
    /// The addresses of a name, asked by the container at an address (nil when not IPv4).
    typealias Lookup = @Sendable (String, IPv4Address?) async -> (v4: [IPv4Address], v6: [IPv6Address])?
    let channel: Channel

    private init(channel: Channel) { self.channel = channel }

    /// Listens on `address`:53, in this process's namespace or, with `namespace`, inside the namespace at that
    /// path (an overlay network's gateway lives on the bridge in its own namespace): the socket is made and bound
    /// there, and served from here.
    static func start(address: IPv4Address, namespace: String? = nil, lookup: @escaping Lookup) throws -> DNSServer {
        let bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.pipeline.addHandler(Handler(lookup: lookup))
            }
        guard let namespace else {
            return DNSServer(channel: try bootstrap.bind(host: address.description, port: 53).wait())
        }
        let fd = try NamespaceThread.run(in: .path(namespace)) { () throws -> Int32 in
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw NetlinkError.system(step: "dns socket", errno: errno) }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = in_port_t(53).bigEndian
            sin.sin_addr.s_addr = address.value.bigEndian
            let rc = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard rc == 0 else {
                let e = errno
                close(fd)
                throw NetlinkError.system(step: "dns bind \(address):53 in \(namespace)", errno: e)
            }
            return fd
        }
        do {
            return DNSServer(channel: try bootstrap.withBoundSocket(fd).wait())
        } catch {
            close(fd)
            throw error
        }
    }

    func stop() { channel.close(promise: nil) }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let lookup: Lookup
        init(lookup: @escaping Lookup) { self.lookup = lookup }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let bytes = Array(envelope.data.readableBytesView)
            guard let query = DNSQuery(bytes) else { return }
            let channel = context.channel
            let remote = envelope.remoteAddress
            let lookup = self.lookup
            Task {
                let name = query.name
                let addresses = await lookup(name, remote.ipAddress.flatMap { IPv4Address($0) })
                let answer = query.response(addresses: addresses?.v4, addresses6: addresses?.v6 ?? [])
                let buffer = channel.allocator.buffer(bytes: answer)
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
            }
        }
    }
}
