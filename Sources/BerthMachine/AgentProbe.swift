import BerthCore

/// Client-side TLS material for talking to an agent.
public struct ClientTLSFiles: Sendable {
    public var caPath: String
    public var certPath: String
    public var keyPath: String
    public init(caPath: String, certPath: String, keyPath: String) {
        self.caPath = caPath
        self.certPath = certPath
        self.keyPath = keyPath
    }
}

/// What a TLS `/_ping` plus `/version` to an agent found.
public enum AgentHealth: Equatable, Sendable {
    case running(version: String)
    case refused
    case timeout
    case error(String)
}

/// The seam to the agent's API (libcurl in the controller, a fake in unit tests).
public protocol AgentProbe: Sendable {
    func health(host: String, port: Int, tls: ClientTLSFiles, timeout: Double) -> AgentHealth
}
