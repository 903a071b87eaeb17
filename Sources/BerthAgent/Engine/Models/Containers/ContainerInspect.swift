/// `GET /containers/{id}/json`.
public struct ContainerInspect: Encodable, Sendable {
    public struct GraphDriver: Encodable, Sendable {
        public var Name: String
        public var Data: [String: String]
    }

    public var Id: String
    public var Created: String
    public var Path: String
    public var Args: [String]
    public var State: ContainerState
    public var Image: String
    public var Name: String
    public var RestartCount: Int
    public var Driver: String
    public var Platform: String
    public var LogPath: String
    public var HostnamePath: String
    public var Config: ContainerConfig
    public var HostConfig: HostConfigInspect
    public var GraphDriver: GraphDriver
    public var Mounts: [MountPoint]
    public var NetworkSettings: ContainerNetworkSettings
    public var HostsPath: String?
    public var ResolvConfPath: String?
}
