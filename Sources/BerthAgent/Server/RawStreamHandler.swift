import Logging
import NIOCore
import NIOSSL

/// Feeds the bytes of a hijacked connection into the ``HijackedStream/inbound`` sequence.
final class RawStreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation
    private let logger: Logger

    init(continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation, logger: Logger) {
        self.continuation = continuation
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        logger.trace("hijacked stream read", metadata: ["bytes": "\(buffer.readableBytes)"])
        continuation.yield(buffer)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        logger.trace("hijacked stream event", metadata: ["event": "\(event)"])
        if case ChannelEvent.inputClosed = event {
            continuation.finish()  // the client half-closed: EOF on stdin, output stays open
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let tlsError = error as? NIOSSLError, case .uncleanShutdown = tlsError {
            continuation.finish()  // a TCP FIN without close_notify: still just EOF
        } else {
            continuation.finish(throwing: error)
        }
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        continuation.finish()
    }
}
