import NIOCore

/// Writes the pieces of a streamed response body (``Response/Body/stream(_:)``).
public protocol ResponseBodyWriter: Sendable {
    /// An allocator for the buffers passed to ``write(_:)``.
    var allocator: ByteBufferAllocator { get }
    /// Sends `buffer` as one chunk and waits until it is handed to the socket; this is the backpressure.
    func write(_ buffer: ByteBuffer) async throws
}

extension ResponseBodyWriter {
    /// Sends the UTF-8 bytes of `text` as one chunk.
    public func write(_ text: String) async throws {
        try await write(allocator.buffer(string: text))
    }
}
