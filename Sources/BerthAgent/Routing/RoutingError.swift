/// Why the router refused a request before any handler ran.
public enum RoutingError: Error, Equatable, APIErrorConvertible, CustomStringConvertible {
    /// The `/v1.NN/` prefix is below ``AgentBuild/minimumAPIVersion``.
    case versionTooOld(APIVersion)
    /// The `/v1.NN/` prefix is above ``AgentBuild/apiVersion``.
    case versionTooNew(APIVersion)
    /// No route has this path, for any method.
    case pageNotFound

    public var apiError: APIError {
        switch self {
        case .versionTooOld(let version):
            return .invalidArgument("client version \(version) is too old. Minimum supported API version is "
                + "\(AgentBuild.minimumAPIVersion), please upgrade your client to a newer version")
        case .versionTooNew(let version):
            return .invalidArgument("client version \(version) is too new. "
                + "Maximum supported API version is \(AgentBuild.apiVersion)")
        case .pageNotFound:
            return .notFound("page not found")
        }
    }

    public var description: String { apiError.message }
}
