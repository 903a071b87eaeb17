#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime
import NIOConcurrencyHelpers
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
    /// Bridges a hijacked client to the supervisor (attach or exec). With `detachKeys`, the client's stdin is
    /// watched for them: when typed, the client is let go (its connection closed, the process keeps running) and,
    /// with `drainAfterDetach`, the supervisor's stream is still read to its end (an exec's end is its exit).
    static func bridge(_ socket: String, _ request: ShimRequest, to client: HijackedStream, stdin: Bool,
                       detachKeys: DetachKeys? = nil, drainAfterDetach: Bool = false,
                       onReply: @Sendable (ShimReply) async throws -> Void) async throws {
        let connection = try await connect(socket)
        try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(encode(request))
            var iterator = inbound.makeAsyncIterator()
            let (reply, rest) = try await readReply(&iterator)
            try await onReply(reply)
            guard reply.ok else { return }
            let detached = NIOLockedValueBox(false)
            let channel = connection.channel
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    if stdin {
                        var matcher = detachKeys.map(DetachKeyMatcher.init)
                        for try await chunk in client.inbound {
                            guard var m = matcher else {
                                try await outbound.write(chunk)
                                continue
                            }
                            let (forward, detach) = m.feed(Array(chunk.readableBytesView))
                            matcher = m
                            if !forward.isEmpty { try await outbound.write(ByteBuffer(bytes: forward)) }
                            if detach {
                                // The client goes; the process stays. An attach's stream ends here, an exec's
                                // is read on to its end (its exit status comes with it).
                                detached.withLockedValue { $0 = true }
                                await client.close()
                                if !drainAfterDetach { channel.close(promise: nil) }
                                return
                            }
                        }
                    } else {
                        for try await _ in client.inbound {}
                    }
                    outbound.finish()
                }
                if rest.readableBytes > 0 { try await client.write(rest) }
                while let chunk = try await iterator.next() {
                    if detached.withLockedValue({ $0 }) { continue }
                    try await client.write(chunk)
                }
                group.cancelAll()
            }
        }
    }
}
