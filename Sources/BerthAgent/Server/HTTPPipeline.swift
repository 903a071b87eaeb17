import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Sets up a new connection's pipeline: TLS (on the TCP listener), then HTTP/1.1 with pipelining assistance,
/// then the ``HTTPConnectionHandler``.
struct HTTPPipeline: Sendable {
    let router: Router
    let transport: ConnectionInfo.Transport
    let tlsContext: NIOSSLContext?
    let maxBodySize: Int
    let logger: Logger

    /// Adds the handlers to `channel`; must run on its event loop.
    func configure(_ channel: Channel) throws {
        let pipeline = channel.pipeline.syncOperations
        let peer = channel.remoteAddress.flatMap(Self.describe)
        if let tlsContext {
            try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext))
            var handshakeLogger = logger
            handshakeLogger[metadataKey: "peer"] = "\(peer ?? "?")"
            try pipeline.addHandler(TLSHandshakeLogger(logger: handshakeLogger))
        }
        // Framing is set by HTTPConnectionHandler, which knows about HEAD and streamed bodies.
        var encoder = HTTPResponseEncoder.Configuration()
        encoder.automaticallySetFramingHeaders = false
        try pipeline.addHandler(HTTPResponseEncoder(configuration: encoder))
        // Bytes after an upgrade request belong to the hijacked stream: forward them when the decoder leaves.
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        try pipeline.addHandler(HTTPServerPipelineHandler())
        try pipeline.addHandler(HTTPConnectionHandler(
            router: router, connection: ConnectionInfo(transport: transport, peer: peer),
            maxBodySize: maxBodySize, logger: logger))
    }

    /// `ip:port` or `[v6]:port`; nil for unix peers, which have no useful address.
    private static func describe(_ address: SocketAddress) -> String? {
        switch address {
        case .v4:
            return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6:
            return "[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        case .unixDomainSocket:
            return nil
        }
    }
}
