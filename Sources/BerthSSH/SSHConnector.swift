import BerthCore

/// Opens `SSHSession`s: the production `ShellConnector`.
public struct SSHConnector: ShellConnector {
    /// Seconds a single SSH step may wait without progress once connected (see `SSHSession.operationTimeout`).
    public var operationTimeout: Double

    public init(operationTimeout: Double = 120) {
        self.operationTimeout = operationTimeout
    }

    /// Connects, pins or checks the host key, and authenticates; see `SSHSession.connect(_:operationTimeout:)`.
    public func connect(_ endpoint: SSHEndpoint) throws -> RemoteShell {
        try SSHSession.connect(endpoint, operationTimeout: operationTimeout)
    }
}
