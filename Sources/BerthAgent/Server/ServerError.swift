/// Why the agent's server could not start or run.
public enum ServerError: Error, Equatable, CustomStringConvertible {
    /// Setting up a listener failed at `step`, e.g. `bind(0.0.0.0:2376)`.
    case listener(step: String, reason: String)
    /// `start()` was called on a server that is not idle.
    case alreadyStarted

    public var description: String {
        switch self {
        case .listener(let step, let reason):
            return "\(step): \(reason)"
        case .alreadyStarted:
            return "the server was already started"
        }
    }
}
