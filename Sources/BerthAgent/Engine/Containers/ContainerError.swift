/// Container failures with docker's wording.
enum ContainerError: Error, APIErrorConvertible, CustomStringConvertible {
    case noSuchContainer(String)
    case noSuchExec(String)
    case nameInUse(name: String, id: String)
    case invalidName(String)
    case running(name: String)
    case notRunning(id: String)
    case startFailed(String)
    case invalidSignal(String)

    var description: String {
        switch self {
        case .noSuchContainer(let name): return "No such container: \(name)"
        case .noSuchExec(let id): return "No such exec instance: \(id)"
        case .nameInUse(let name, let id):
            return "Conflict. The container name \"/\(name)\" is already in use by container \"\(id)\". "
                + "You have to remove (or rename) that container to be able to reuse that name."
        case .invalidName(let name):
            return "Invalid container name (\(name)), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
        case .running(let name):
            return "cannot remove container \"/\(name)\": container is running: stop the container before removing "
                + "or force remove"
        case .notRunning(let id): return "container \(id) is not running"
        case .startFailed(let message): return "failed to create task for container: \(message)"
        case .invalidSignal(let signal): return "Invalid signal: \(signal)"
        }
    }

    var apiError: APIError {
        switch self {
        case .noSuchContainer, .noSuchExec: return .notFound(description)
        case .nameInUse, .running, .notRunning: return .conflict(description)
        case .invalidName, .startFailed, .invalidSignal: return .invalidArgument(description)
        }
    }
}
