/// `GET /containers/{id}/json`.
public struct ContainerInspect: Encodable, Sendable, EncodesNulls {
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
    public var Config: ImageConfigView
    public var HostConfig: HostConfigInspect
    public var GraphDriver: GraphDriver
    public var Mounts: [MountPoint]
    public var NetworkSettings: ContainerNetworkSettings
    public var HostsPath: String?
    public var ResolvConfPath: String?
    public var MountLabel = ""
    public var ProcessLabel = ""
    public var AppArmorProfile = ""
    /// The container's execs that are running (dockerd drops an exec from this list when it ends).
    public var ExecIDs: [String]? = nil

    public func encode(to encoder: Encoder) throws { try encodeAllProperties(to: encoder) }
}
