/// The body of `POST /containers/create`: the `Config` keys at the top level plus `HostConfig`.
public struct ContainerCreateRequest: Decodable, Sendable {
    public var config: ContainerConfig
    public var hostConfig: HostConfig
    public var networkingConfig: NetworkingConfig?

    enum CodingKeys: String, CodingKey { case HostConfig, NetworkingConfig }

    public init(from decoder: Decoder) throws {
        config = try ContainerConfig(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostConfig = try c.decodeIfPresent(BerthAgent.HostConfig.self, forKey: .HostConfig) ?? BerthAgent.HostConfig()
        networkingConfig = try c.decodeIfPresent(BerthAgent.NetworkingConfig.self, forKey: .NetworkingConfig)
    }
}

/// `201 {Id, Warnings}`.
public struct ContainerCreateResponse: Codable, Sendable {
    public var Id: String
    public var Warnings: [String]
}
