#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthRuntime
import NIOCore
import NIOPosix

/// Talks to a container's supervisor over its unix socket: a JSON line each way, then raw bytes for streams.
enum ShimClient {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(_ socket: String) async throws -> Connection {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .connect(unixDomainSocketPath: socket) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Connection(wrappingChannelSynchronously: channel,
                                   configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
    }

    static func encode(_ request: ShimRequest) throws -> ByteBuffer {
        var data = try JSONEncoder().encode(request)
        data.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: data)
    }

    /// Reads the reply line; returns it with whatever bytes followed it.
    static func readReply(_ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) async throws
        -> (ShimReply, ByteBuffer) {
        var pending = ByteBuffer()
        while true {
            if let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - pending.readerIndex
                let line = pending.readBytes(length: length) ?? []
                pending.moveReaderIndex(forwardBy: 1)
                let reply = try JSONDecoder().decode(ShimReply.self, from: Data(line))
                return (reply, pending)
            }
            guard var chunk = try await iterator.next() else {
                throw RuntimeError.protocolError("supervisor closed the connection")
            }
            pending.writeBuffer(&chunk)
        }
    }

    /// A request with a one-line answer (start, kill, resize, wait).
    static func call(_ socket: String, _ request: ShimRequest) async throws -> ShimReply {
        let connection = try await connect(socket)
        return try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(encode(request))
            var iterator = inbound.makeAsyncIterator()
            return try await readReply(&iterator).0
        }
    }

    /// Opens an attach or exec stream and bridges it to a hijacked client connection until the supervisor
    /// closes it. `onReply` sees the supervisor's answer first; with `ok == false` nothing is bridged.
    static func bridge(_ socket: String, _ request: ShimRequest, to client: HijackedStream, stdin: Bool,
                       onReply: @Sendable (ShimReply) async throws -> Void) async throws {
        let connection = try await connect(socket)
        try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(encode(request))
            var iterator = inbound.makeAsyncIterator()
            let (reply, rest) = try await readReply(&iterator)
            try await onReply(reply)
            guard reply.ok else { return }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    if stdin {
                        for try await chunk in client.inbound { try await outbound.write(chunk) }
                    } else {
                        for try await _ in client.inbound {}
                    }
                    outbound.finish()
                }
                if rest.readableBytes > 0 { try await client.write(rest) }
                while let chunk = try await iterator.next() { try await client.write(chunk) }
                group.cancelAll()
            }
        }
    }
}
