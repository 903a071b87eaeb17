import Logging

/// The Engine API route table of `berthd`. Each area registers its routes from its own file.
public enum EngineAPI {
    /// The full route table for `context`.
    public static func makeRouter(context: EngineContext) -> Router {
        var router = Router()
        SystemRoutes.register(on: &router, context: context)
        ImageRoutes.register(on: &router, context: context)
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
        return router
    }

    /// Probes the host and loads (or creates) the engine ID under the data root, then builds the context.
    public static func makeContext(configuration: AgentConfiguration, logger: Logger) -> EngineContext {
        let host = HostFacts.probe(hostnameOverride: configuration.hostname)
        let id = EngineIdentity.load(dataRoot: configuration.dataRoot, hostname: host.hostname, logger: logger)
        let context = EngineContext(configuration: configuration, host: host, engineID: id, logger: logger)
        let containers = context.containers
        Task { await containers.recover() }  // reconnect to running containers, start what restart policies start
        return context
    }
}
