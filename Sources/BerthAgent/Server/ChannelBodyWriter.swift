import NIOCore
import NIOHTTP1

/// Writes streamed body chunks into the HTTP pipeline of a channel.
struct ChannelBodyWriter: ResponseBodyWriter {
    let channel: Channel

    var allocator: ByteBufferAllocator { channel.allocator }

    func write(_ buffer: ByteBuffer) async throws {
        guard buffer.readableBytes > 0 else { return }  // an empty chunk would end the chunked body
        try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer))).get()
    }
}
