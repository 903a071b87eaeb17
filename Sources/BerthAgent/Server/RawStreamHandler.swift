import NIOCore
import NIOSSL

/// Feeds the bytes of a hijacked connection into the ``HijackedStream/inbound`` sequence.
final class RawStreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation

    init(continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
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
