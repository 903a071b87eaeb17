/// What the Engine API handlers share: the agent's configuration, the host facts and the engine's identity.
public struct EngineContext: Sendable {
    public var configuration: AgentConfiguration
    public var host: HostFacts
    /// The stable engine ID (see `EngineIdentity`).
    public var engineID: String

    public init(configuration: AgentConfiguration, host: HostFacts, engineID: String) {
        self.configuration = configuration
        self.host = host
        self.engineID = engineID
    }
}
