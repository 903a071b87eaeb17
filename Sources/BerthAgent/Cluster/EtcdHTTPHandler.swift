import BerthCore
import NIOCore
import NIOHTTP1

/// One etcd gateway call on its own connection: posts the request as soon as the channel is up and hands each
/// part of the answer to `sink` (the head's status, body bytes as they come, the end). The connection closes
/// after the answer; a break before the end, or the optional deadline passing, finishes `sink` with an error.
final class EtcdHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    enum Part: Sendable {
        case head(status: UInt)
        case body(ByteBuffer)
        case end
    }

    /// The connection closed before the answer ended.
    struct ClosedEarly: Error, CustomStringConvertible {
        var description: String { "the connection closed before the answer ended" }
    }

    /// The deadline passed.
    struct DeadlinePassed: Error {}

    private let request: EtcdGateway.Request
    private let hostHeader: String
    private let sink: AsyncThrowingStream<Part, Error>.Continuation
    private let deadline: TimeAmount?
    private var timer: Scheduled<Void>?
    private var finished = false

    init(request: EtcdGateway.Request, hostHeader: String, deadline: TimeAmount?,
         sink: AsyncThrowingStream<Part, Error>.Continuation) {
        self.request = request
        self.hostHeader = hostHeader
        self.deadline = deadline
        self.sink = sink
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let deadline else { return }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: deadline) { [self] in
            finish(throwing: DeadlinePassed())
            channel.close(promise: nil)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: request.path)
        head.headers.add(name: "Host", value: hostHeader)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(request.body.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: request.body)))),
                      promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            sink.yield(.head(status: head.status.code))
        case .body(let buffer):
            sink.yield(.body(buffer))
        case .end:
            sink.yield(.end)
            finish(throwing: nil)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(throwing: ClosedEarly())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(throwing: error)
        context.close(promise: nil)
    }

    private func finish(throwing error: Error?) {
        guard !finished else { return }
        finished = true
        timer?.cancel()
        if let error { sink.finish(throwing: error) } else { sink.finish() }
    }
}
