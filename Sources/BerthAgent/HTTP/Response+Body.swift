import NIOCore

extension Response {
    /// How the body of a response is produced.
    public enum Body: Sendable {
        /// No body; `Content-Length: 0` where the status allows a body.
        case empty
        /// A body known in full, sent with `Content-Length`.
        case buffer(ByteBuffer)
        /// A body of unknown length written piece by piece (`Transfer-Encoding: chunked`), e.g. logs with
        /// `follow=1`, build and pull progress. The response ends when the closure returns; if it throws, the
        /// connection is closed, since the status is already sent.
        case stream(@Sendable (any ResponseBodyWriter) async throws -> Void)
        /// The connection is taken over after the response head, for attach and exec: `101 UPGRADED` with
        /// `Connection: Upgrade` and `Upgrade: tcp` when the client asked to upgrade, else `200 OK`; then raw bytes
        /// both ways. The connection is closed when the closure returns. The response's `status` is ignored;
        /// its headers (e.g. `Content-Type: application/vnd.docker.raw-stream`) are sent.
        case hijack(@Sendable (HijackedStream) async throws -> Void)
    }
}
