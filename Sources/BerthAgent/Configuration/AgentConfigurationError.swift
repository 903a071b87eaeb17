/// Why a configuration could not be used. Each renders as one line for `berthd`'s error message.
public enum AgentConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not a JSON object of the expected shape.
    case malformed(path: String, reason: String)
    /// A value is out of range or inconsistent.
    case invalid(key: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read configuration \(path): \(reason)"
        case .malformed(let path, let reason):
            return "invalid configuration \(path): \(reason)"
        case .invalid(let key, let reason):
            return "invalid configuration: \(key): \(reason)"
        }
    }
}
