/// One entry of `GET /containers/json`.
public struct ContainerSummary: Codable, Sendable {
    public var Id: String
    public var Names: [String]
    public var Image: String
    public var ImageID: String
    public var Command: String
    public var Created: Int
    public var State: String
    public var Status: String
    public var Ports: [PortSummary]
    public var Labels: [String: String]
    public var HostConfig: [String: String]
    public var Mounts: [MountPoint]
}
