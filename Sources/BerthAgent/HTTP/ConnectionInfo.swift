import NIOConcurrencyHelpers
/// Where a request came from: which listener, and the peer's address when there is one.
public struct ConnectionInfo: Sendable, Equatable, CustomStringConvertible {
    /// The listener kinds the agent runs.
    public enum Transport: String, Sendable {
        /// TCP with mutual TLS.
        case tls
        /// The local unix socket, plain HTTP.
        case unix
    }

    public var transport: Transport
    /// `ip:port` for TCP peers, nil on the unix socket.
    public var peer: String?

    public init(transport: Transport, peer: String?) {
        self.transport = transport
        self.peer = peer
    }

    public var description: String { peer.map { "\(transport.rawValue)://\($0)" } ?? transport.rawValue }
}

/// Whether the client of a connection is still there: long handlers (a push to another agent) check it between
/// steps and stop when it went away. Set by the connection handler when the channel closes.
public final class ClientPresence: Sendable {
    private let gone = NIOLockedValueBox(false)
    public init() {}
    public var isGone: Bool { gone.withLockedValue { $0 } }
    func markGone() { gone.withLockedValue { $0 = true } }
}
