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
    /// dockerd's `NetworkSettings: {Networks: {NAME: endpoint}}` (what `docker ps --format '{{.Networks}}'` and
    /// tools that map containers to addresses read).
    public var NetworkSettings: SummaryNetworkSettings? = nil
    /// Bytes in the writable layer; only in `system df` (and `ps --size`), left out otherwise as dockerd does.
    public var SizeRw: Int64? = nil
    public var SizeRootFs: Int64? = nil
}

public struct SummaryNetworkSettings: Codable, Sendable {
    public var Networks: [String: EndpointSettings]
}
