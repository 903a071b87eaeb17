import Logging

/// What the Engine API handlers share: the agent's configuration, the host facts and the engine's identity.
public struct EngineContext: Sendable {
    public var configuration: AgentConfiguration
    public var host: HostFacts
    /// The stable engine ID (see `EngineIdentity`).
    public var engineID: String
    /// Images under the data root (loaded lazily).
    public var images: ImageStore
    /// Containers under the data root and their supervisors (loaded lazily).
    public var containers: ContainerStore
    /// Volumes under the data root (loaded lazily).
    public var volumes: VolumeStore

    public init(configuration: AgentConfiguration, host: HostFacts, engineID: String,
                logger: Logger = Logger(label: "berthd.engine")) {
        self.configuration = configuration
        self.host = host
        self.engineID = engineID
        let images = ImageStore(dataRoot: configuration.dataRoot)
        self.images = images
        let volumes = VolumeStore(dataRoot: configuration.dataRoot)
        self.volumes = volumes
        self.containers = ContainerStore(dataRoot: configuration.dataRoot, images: images, logger: logger,
                                         volumes: volumes)
    }
}
