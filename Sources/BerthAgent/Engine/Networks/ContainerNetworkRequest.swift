import BerthCore

/// What a starting container's network needs, as the container store knows it.
struct ContainerNetworkRequest: Sendable {
    var id: String
    var name: String
    var hostname: String
    var directory: String
    /// `container:` holds the other container's full ID.
    var mode: NetworkMode
    /// Keyed by network name or ID (`bridge` for the default bridge).
    var endpointsConfig: [String: EndpointSettings]
    var ports: [String: [PortBinding]]
    var exposed: [String]
    var publishAll: Bool
    /// For `container:<id>`: the other container's directory.
    var joinedDirectory: String?
    /// `--add-host` entries (`NAME:ADDRESS`) and the lines of legacy links, for `/etc/hosts`.
    var extraHosts: [String] = []
    var linkLines: [String] = []
    var dns = SandboxFiles.DNSSettings()

    /// `-p` bindings as the allocator takes them.
    var hostBindings: [String: [EndpointAllocator.HostBinding]] {
        ports.mapValues { list in
            list.map { EndpointAllocator.HostBinding(hostIP: $0.HostIp ?? "", hostPort: Int($0.HostPort ?? "")) }
        }
    }
}
