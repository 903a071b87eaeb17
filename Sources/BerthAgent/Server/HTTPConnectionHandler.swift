import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Serves HTTP/1.1 requests on one connection: aggregates each request, hands it to the ``Router`` on a task,
/// and writes the ``Response`` back with keep-alive, `HEAD` and streaming handled.
///
/// It sits after `HTTPServerPipelineHandler`, which delivers one request at a time, so it never sees a second
/// request before the first response has ended.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// Reading a request; the body is nil once it passed the size limit and is being discarded.
        case receiving(HTTPRequestHead, ByteBuffer?)
        /// A handler is running or its response is being written.
        case responding
        /// The connection was handed to a ``HijackedStream``; this handler is leaving the pipeline.
        case hijacked
    }

    private let router: Router
    private let connection: ConnectionInfo
    private let maxBodySize: Int
    private let logger: Logger
    private var state = State.idle
    /// Set when the client half-closed its side: close once the current response is out.
    private var inputClosed = false
    /// Told when the connection closes, for handlers still running.
    private let presence = ClientPresence()

    init(router: Router, connection: ConnectionInfo, maxBodySize: Int, logger: Logger) {
        self.router = router
        self.connection = connection
        self.maxBodySize = maxBodySize
        var logger = logger
        logger[metadataKey: "peer"] = "\(connection)"
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            let declared = head.headers.first(name: "content-length").flatMap(Int.init) ?? 0
            // Reserve at most 16 MiB up front (a declared length is a promise, not bytes received, and untouched
            // capacity costs no memory): enough for a data-plane part, whose buffer would otherwise be copied each
            // time it doubled.
            let buffer = context.channel.allocator.buffer(capacity: min(max(declared, 0), 16 << 20))
            state = .receiving(head, declared > maxBodySize ? nil : buffer)
        case (.body(var chunk), .receiving(let head, var body?)):
            state = .responding  // drop the enum's reference so appending does not copy the buffer
            if body.readableBytes + chunk.readableBytes > maxBodySize {
                state = .receiving(head, nil)
            } else {
                body.writeBuffer(&chunk)
                state = .receiving(head, body)
            }
        case (.body, .receiving(_, nil)):
            break
        case (.end, .receiving(let head, let body)):
            state = .responding
            if let body {
                dispatch(head: head, body: body, context: context)
            } else {
                let response = Response.message(.payloadTooLarge, "request body exceeds \(maxBodySize) bytes")
                send(response, method: head.method, version: head.version, keepAlive: false, context: context)
            }
        default:
            logger.debug("unexpected HTTP part, closing")
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        presence.markGone()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            inputClosed = true
            if case .idle = state { context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is HTTPParserError, case .idle = state {
            logger.debug("malformed HTTP request", metadata: ["error": "\(error)"])
            state = .responding
            send(.message(.badRequest, "malformed HTTP request: \(error)"), method: .GET, version: .http1_1,
                 keepAlive: false, context: context)
            return
        }
        // Clients rarely send TLS close_notify and often reset: both are routine, not worth a debug line.
        let routine = (error as? NIOSSLError).map { if case .uncleanShutdown = $0 { return true } else { return false } }
            ?? (error is IOError)
        logger.log(level: routine ? .trace : .debug, "connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Runs the router on a task and writes its answer back on the event loop.
    private func dispatch(head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        var requestLogger = logger
        requestLogger[metadataKey: "method"] = "\(head.method.rawValue)"
        requestLogger[metadataKey: "target"] = "\(head.uri)"
        let request = Request(method: head.method, target: head.uri, version: head.version, headers: head.headers,
                              body: body, connection: connection, client: presence, logger: requestLogger)
        // A request that asked to upgrade leaves the decoder stopped; unless hijacked, close after answering.
        let keepAlive = head.isKeepAlive && !head.headers.contains(name: "upgrade")
        let router = self.router
        let promise = context.eventLoop.makePromise(of: Response.self)
        promise.completeWithTask { await router.respond(to: request) }
        promise.futureResult.assumeIsolated().whenSuccess { response in
            requestLogger.debug("request", metadata: ["status": "\(response.status.code)"])
            if case .hijack(let handler) = response.body {
                self.state = .hijacked
                Hijack.begin(response: response, request: request, inputClosed: self.inputClosed,
                             handler: handler, context: context, logger: requestLogger)
            } else {
                self.send(response, method: head.method, version: head.version, keepAlive: keepAlive,
                          context: context)
            }
        }
    }

    /// Writes head, body and end of `response` with its framing, then closes or waits for the next request.
    private func send(_ response: Response, method: HTTPMethod, version: HTTPVersion, keepAlive: Bool,
                      context: ChannelHandlerContext) {
        var keepAlive = keepAlive && !inputClosed
        var head = HTTPResponseHead(version: version, status: response.status, headers: response.headers)
        StandardHeaders.apply(to: &head.headers)
        head.headers.remove(name: "Content-Length")
        head.headers.remove(name: "Transfer-Encoding")
        let sendsBody = method != .HEAD && response.status.mayHaveResponseBody
        var producer: (@Sendable (any ResponseBodyWriter) async throws -> Void)?
        var body: ByteBuffer?
        switch response.body {
        case .empty:
            if response.status.mayHaveResponseBody { head.headers.add(name: "Content-Length", value: "0") }
        case .buffer(let buffer):
            if response.status.mayHaveResponseBody {
                head.headers.add(name: "Content-Length", value: "\(buffer.readableBytes)")
            }
            body = buffer
        case .stream(let streamProducer):
            producer = streamProducer
            if version.major == 1, version.minor >= 1 {
                if sendsBody { head.headers.add(name: "Transfer-Encoding", value: "chunked") }
            } else {
                keepAlive = false  // HTTP/1.0 has no chunking: the body ends when the connection does
            }
        case .hijack:
            // dispatch() routes hijacks to Hijack.begin; reaching here is a bug, so fail the connection, not the agent.
            logger.error("hijack response reached the HTTP writer, closing")
            context.close(promise: nil)
            return
        }
        if !keepAlive {
            head.headers.replaceOrAdd(name: "Connection", value: "close")
        } else if version == .http1_0 {
            head.headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let producer, sendsBody {
            context.flush()
            stream(producer, keepAlive: keepAlive, context: context)
            return
        }
        if let body, sendsBody { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        end(keepAlive: keepAlive, context: context)
    }

    /// Runs a streaming body producer; ends the response when it returns, closes the connection if it throws.
    private func stream(_ producer: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void,
                        keepAlive: Bool, context: ChannelHandlerContext) {
        let writer = ChannelBodyWriter(channel: context.channel)
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await producer(writer) }
        promise.futureResult.assumeIsolated().whenComplete { result in
            switch result {
            case .success:
                self.end(keepAlive: keepAlive, context: context)
            case .failure(let error):
                // A client that went away mid-stream (docker logs -f, then Ctrl-C) is routine.
                let level: Logger.Level = context.channel.isActive ? .notice : .debug
                self.logger.log(level: level, "streaming response failed", metadata: ["error": "\(error)"])
                context.close(promise: nil)
            }
        }
    }

    /// Writes the end of the response; the pipeline handler then releases the next request.
    private func end(keepAlive: Bool, context: ChannelHandlerContext) {
        state = .idle
        guard keepAlive, !inputClosed else {
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
            promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

private extension HTTPResponseStatus {
    /// False for 1xx, 204 and 304, which must not carry `Content-Length` for a body.
    var mayHaveResponseBody: Bool {
        !(100..<200).contains(code) && code != 204 && code != 304
    }
}
