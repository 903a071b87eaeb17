import NIOCore

/// Keeps the accepted connections of one listener so shutdown can drain them.
///
/// It sits in the server channel's pipeline, where each accepted child channel arrives as a read; all of its
/// state is confined to the server channel's event loop.
final class ConnectionTracker: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let eventLoop: EventLoop
    private var connections: [ObjectIdentifier: Channel] = [:]

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = unwrapInboundIn(data)
        let id = ObjectIdentifier(channel)
        connections[id] = channel
        channel.closeFuture.hop(to: eventLoop).whenComplete { [self] _ in
            connections[id] = nil
        }
        context.fireChannelRead(data)
    }

    /// Asks every connection to finish its current request and close (idle ones close at once).
    /// The future completes with the connections still open at that moment.
    func quiesce() -> EventLoopFuture<[Channel]> {
        eventLoop.submit { [self] in
            let open = Array(connections.values)
            for channel in open {
                channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
            return open
        }
    }
}
