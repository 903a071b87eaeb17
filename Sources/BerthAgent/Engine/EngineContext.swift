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
    /// Networks, endpoints and sandboxes (loaded lazily; restored when containers are).
    public var networks: NetworkStore
    /// overlay2, or vfs where overlayfs does not work or the configuration asks for it (chosen once).
    public var storageDriver: StorageDriver
    /// The cluster store's watch, node table and client (nil without `cluster-store`): what cross-host network
    /// drivers subscribe to.
    public var cluster: ClusterAgent?
    /// What happened, for `GET /events`.
    public var events: EngineEventLog
    /// Registries: mirrors, insecure ones, per-registry certificates; pulls and pushes go through it.
    var registry: RegistryService
    /// Layers being pulled now (shared by concurrent pulls).
    var layerFetches: LayerFetches

    public init(configuration: AgentConfiguration, host: HostFacts, engineID: String,
                logger: Logger = Logger(label: "berthd.engine")) {
        self.configuration = configuration
        self.host = host
        self.engineID = engineID
        let images = ImageStore(dataRoot: configuration.dataRoot)
        self.images = images
        let volumes = VolumeStore(dataRoot: configuration.dataRoot)
        self.volumes = volumes
        let networks = NetworkStore(dataRoot: configuration.dataRoot, execRoot: configuration.execRoot, logger: logger,
                                    bridge: configuration.bridge ?? "berth0", bip: configuration.bip,
                                    mtu: configuration.mtu)
        self.networks = networks
        let storageDriver = StorageDriver.choose(configured: configuration.storageDriver,
                                                 dataRoot: configuration.dataRoot)
        self.storageDriver = storageDriver
        let events = EngineEventLog()
        self.events = events
        self.registry = RegistryService(configuration: configuration)
        self.layerFetches = LayerFetches()
        self.containers = ContainerStore(dataRoot: configuration.dataRoot, images: images, logger: logger,
                                         volumes: volumes, networks: networks, storageDriver: storageDriver,
                                         events: events)
    }
}
