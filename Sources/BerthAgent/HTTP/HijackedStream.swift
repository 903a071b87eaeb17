import NIOCore

/// A connection taken over by a handler after `101 UPGRADED`: raw bytes in both directions.
///
/// `inbound` ends when the client half-closes its side (the docker CLI does so when stdin ends) or the
/// connection drops. Writing after the client half-closed is allowed.
public struct HijackedStream: Sendable {
    /// Bytes from the client, as they arrive.
    public let inbound: AsyncThrowingStream<ByteBuffer, Error>
    let channel: Channel

    init(inbound: AsyncThrowingStream<ByteBuffer, Error>, channel: Channel) {
        self.inbound = inbound
        self.channel = channel
    }

    public var allocator: ByteBufferAllocator { channel.allocator }

    /// Sends `buffer` to the client and waits until it is handed to the socket.
    public func write(_ buffer: ByteBuffer) async throws {
        try await channel.writeAndFlush(buffer).get()
    }

    /// Half-closes the server's side (the client reads EOF) while still reading.
    public func closeWrite() async {
        try? await channel.close(mode: .output).get()
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close().get()
    }
}
