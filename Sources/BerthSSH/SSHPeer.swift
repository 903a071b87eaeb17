import BerthCore

/// The far end of a connection as it appears in messages: `ssh lab1 (10.0.0.2:22)`.
public struct SSHPeer: Equatable, Sendable, CustomStringConvertible {
    /// The machine name or address the user knows the host by.
    public var label: String
    public var host: String
    public var port: Int

    public init(label: String, host: String, port: Int) {
        self.label = label
        self.host = host
        self.port = port
    }

    public init(_ endpoint: SSHEndpoint) {
        self.init(label: endpoint.label, host: endpoint.host, port: endpoint.port)
    }

    /// `host:port`, with IPv6 literals in brackets.
    public var address: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `ssh lab1 (10.0.0.2:22)`, or `ssh 10.0.0.2:22` when the label is the host itself.
    public var description: String {
        label.isEmpty || label == host ? "ssh \(address)" : "ssh \(label) (\(address))"
    }
}
