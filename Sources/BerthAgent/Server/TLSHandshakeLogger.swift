import Logging
import NIOCore
import NIOSSL

/// Sits right after the TLS handler and logs a failed handshake in one line: a client without a certificate,
/// with one from another CA, or speaking plain HTTP to the TLS port. `NIOSSLHandler` closes the connection.
final class TLSHandshakeLogger: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let tlsError = error as? NIOSSLError, case .handshakeFailed(let reason) = tlsError else {
            context.fireErrorCaught(error)
            return
        }
        logger.notice("TLS handshake refused", metadata: ["reason": "\(reason)"])
        context.close(promise: nil)
    }
}
