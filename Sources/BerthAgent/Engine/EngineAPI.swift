import BerthCore
import Logging

/// The Engine API route table of `berthd`. Each area registers its routes from its own file.
public enum EngineAPI {
    /// The full route table for `context`.
    public static func makeRouter(context: EngineContext) -> Router {
        var router = Router()
        SystemRoutes.register(on: &router, context: context)
        ImageRoutes.register(on: &router, context: context)
        RegistryRoutes.register(on: &router, context: context)
        ContainerRoutes.register(on: &router, context: context)
        AttachRoutes.register(on: &router, context: context)
        ExecRoutes.register(on: &router, context: context)
        LogRoutes.register(on: &router, context: context)
        VolumeRoutes.register(on: &router, context: context)
        ImageArchiveRoutes.register(on: &router, context: context)
        BuildRoutes.register(on: &router, context: context)
        ArchiveRoutes.register(on: &router, context: context)
        NetworkRoutes.register(on: &router, context: context)
        ContainerControlRoutes.register(on: &router, context: context)
        CommitRoutes.register(on: &router, context: context)
        SwarmRoutes.register(on: &router)
        EventRoutes.register(on: &router, context: context)
        DataPlaneRoutes.register(on: &router, configuration: context.configuration, volumes: context.volumes)
        return router
    }

    /// Probes the host and loads (or creates) the engine ID under the data root, then builds the context.
    /// With `clusterStore` (built from the configuration's `cluster-store`), starts the cluster agent in the
    /// background: its watch and this node's record never hold up the start.
    public static func makeContext(configuration: AgentConfiguration, logger: Logger,
                                   clusterStore: EtcdStore? = nil) -> EngineContext {
        let host = HostFacts.probe(hostnameOverride: configuration.hostname)
        let id = EngineIdentity.load(dataRoot: configuration.dataRoot, hostname: host.hostname, logger: logger)
        var context = EngineContext(configuration: configuration, host: host, engineID: id, logger: logger)
        if let clusterStore {
            let node = ClusterNodeRecord(id: id, name: host.hostname, address: clusterStore.settings.advertise ?? "",
                                         version: AgentBuild.version, startedAt: RFC3339.now())
            let cluster = ClusterAgent(settings: clusterStore.settings, store: clusterStore, node: node,
                                       logger: logger)
            context.cluster = cluster
            let networks = context.networks
            Task {
                await cluster.start()
                await networks.attach(cluster: cluster)
            }
        }
        let containers = context.containers
        Task { await containers.recover() }  // reconnect to running containers, start what restart policies start
        return context
    }
}
