import BerthCore
import NIOCore
import NIOPosix

/// The embedded DNS server of a user-defined network: UDP on the network's gateway address, port 53, answering
/// A queries for container names and aliases on that network; anything else gets NXDOMAIN (the lab has no
/// upstream resolver to forward to).
final class DNSServer: Sendable {
    typealias Lookup = @Sendable (String) async -> [IPv4Address]?
    let channel: Channel

    private init(channel: Channel) { self.channel = channel }

    static func start(address: IPv4Address, lookup: @escaping Lookup) throws -> DNSServer {
        let channel = try DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.pipeline.addHandler(Handler(lookup: lookup))
            }
            .bind(host: address.description, port: 53).wait()
        return DNSServer(channel: channel)
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
                let addresses = await lookup(name)
                let answer = query.response(addresses: addresses)
                let buffer = channel.allocator.buffer(bytes: answer)
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
            }
        }
    }
}
