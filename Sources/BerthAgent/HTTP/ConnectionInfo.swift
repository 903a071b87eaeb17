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
