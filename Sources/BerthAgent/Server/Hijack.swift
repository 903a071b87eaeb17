import Logging
import NIOCore
import NIOHTTP1

/// Turns an HTTP connection into a raw byte stream for a ``Response/Body/hijack(_:)`` response.
enum Hijack {
    /// Replaces the HTTP handlers by a ``RawStreamHandler``, writes the response head, and runs `handler` on a
    /// task; the connection is closed when it returns. Must run on the channel's event loop, from the
    /// ``HTTPConnectionHandler`` (whose `context` is passed), which leaves the pipeline here.
    ///
    /// Bytes the client sent after the request are forwarded to the stream. If the client already half-closed
    /// (`inputClosed`), the stream starts at EOF: docker clients only send stdin after the `101`, so an early EOF
    /// means there is no input.
    static func begin(response: Response, request: Request, inputClosed: Bool,
                      handler: @escaping @Sendable (HijackedStream) async throws -> Void,
                      context: ChannelHandlerContext, logger: Logger) {
        let channel = context.channel
        guard channel.isActive else { return }  // the client left while the handler ran
        let (inbound, continuation) = AsyncThrowingStream<ByteBuffer, Error>.makeStream()
        do {
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandler(RawStreamHandler(continuation: continuation, logger: logger))
            // The decoder goes last: bytes the client sent right after the request (stdin) are forwarded
            // to the raw handler when it leaves, so nothing HTTP-shaped may remain in between.
            pipeline.removeHandler(context: try pipeline.context(handlerType: HTTPServerPipelineHandler.self),
                                   promise: nil)
            pipeline.removeHandler(context: context, promise: nil)
            pipeline.removeHandler(context: try pipeline.context(handlerType: HTTPResponseEncoder.self), promise: nil)
            pipeline.removeHandler(
                context: try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self), promise: nil)
        } catch {
            logger.error("cannot hijack connection", metadata: ["error": "\(error)"])
            channel.close(promise: nil)
            return
        }
        channel.writeAndFlush(head(for: response, request: request, allocator: channel.allocator), promise: nil)
        if inputClosed {
            // The decoder finishes its removal on a later loop tick; queue the EOF behind its leftovers.
            channel.eventLoop.execute { continuation.finish() }
        }
        channel.read()
        let stream = HijackedStream(inbound: inbound, channel: channel)
        Task {
            do {
                try await handler(stream)
            } catch {
                let level: Logger.Level = channel.isActive ? .notice : .debug
                logger.log(level: level, "hijacked stream failed", metadata: ["error": "\(error)"])
            }
            await stream.close()
        }
    }

    /// `101 UPGRADED` with `Connection: Upgrade`, `Upgrade: tcp` when the client asked for an upgrade, as
    /// dockerd answers; otherwise `200 OK` with no framing (the body runs until the connection closes).
    static func head(for response: Response, request: Request, allocator: ByteBufferAllocator) -> ByteBuffer {
        var headers = response.headers
        StandardHeaders.apply(to: &headers)
        let wantsUpgrade = request.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
            && request.headers.contains(name: "upgrade")
        let statusLine: String
        if wantsUpgrade {
            statusLine = "HTTP/1.1 101 UPGRADED"
            headers.replaceOrAdd(name: "Connection", value: "Upgrade")
            headers.replaceOrAdd(name: "Upgrade", value: "tcp")
        } else {
            statusLine = "HTTP/1.1 200 OK"
            headers.remove(name: "Content-Length")
            headers.remove(name: "Transfer-Encoding")
        }
        if !headers.contains(name: "Content-Type") {
            headers.add(name: "Content-Type", value: "application/vnd.docker.raw-stream")
        }
        var buffer = allocator.buffer(capacity: 256)
        buffer.writeString(statusLine + "\r\n")
        for (name, value) in headers {
            buffer.writeString("\(name): \(value)\r\n")
        }
        buffer.writeString("\r\n")
        return buffer
    }
}
