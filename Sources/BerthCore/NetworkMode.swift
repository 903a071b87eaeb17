/// How a container gets its network (`HostConfig.NetworkMode`), parsed once when the container is created.
///
/// docker spells the default bridge `bridge`, `default` or nothing at all; `container:NAME|ID` shares another
/// container's sandbox (the agent stores the other's full ID); any other word names a network by name or ID.
/// Stored as docker's string, so records written before the type existed decode unchanged.
public enum NetworkMode: Hashable, Sendable {
    /// Loopback only.
    case none
    /// The host's namespace.
    case host
    /// The default bridge network.
    case bridge
    /// Another container's sandbox (its full ID once the container is created).
    case container(String)
    /// A network by name or ID.
    case network(String)

    public init(parsing text: String?) {
        switch text ?? "" {
        case "", "default", "bridge": self = .bridge
        case "none": self = .none
        case "host": self = .host
        case let other where other.hasPrefix("container:"):
            self = .container(String(other.dropFirst("container:".count)))
        case let other: self = .network(other)
        }
    }

    /// docker's spelling, as `inspect` shows it.
    public var text: String {
        switch self {
        case .none: return "none"
        case .host: return "host"
        case .bridge: return "bridge"
        case .container(let reference): return "container:" + reference
        case .network(let reference): return reference
        }
    }

    /// The network the container's first endpoint goes on (`bridge` for the default), nil when it has no
    /// endpoint of its own (`none`, `host`, `container:`).
    public var primaryNetwork: String? {
        switch self {
        case .bridge: return "bridge"
        case .network(let reference): return reference
        case .none, .host, .container: return nil
        }
    }

    /// Whether the container has a sandbox of its own that endpoints can be plugged into (`none` has one too).
    public var ownsSandbox: Bool {
        switch self {
        case .none, .bridge, .network: return true
        case .host, .container: return false
        }
    }

    /// Whether the mode names the network `networkName` with ID `id`: `bridge` names the default bridge, `none`
    /// and `host` the predefined networks of those names.
    public func names(networkName: String, id: String) -> Bool {
        if case .container = self { return false }
        let name = primaryNetwork ?? text
        return name == networkName || name == id
    }

    /// The key docker's `NetworkingConfig.EndpointsConfig` uses for a mode's network: the CLI may write `default`.
    public static func endpointKey(_ key: String) -> String {
        key.isEmpty || key == "default" ? "bridge" : key
    }
}

extension NetworkMode: Codable {
    public init(from decoder: Decoder) throws {
        self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension NetworkMode: CustomStringConvertible {
    public var description: String { text }
}
