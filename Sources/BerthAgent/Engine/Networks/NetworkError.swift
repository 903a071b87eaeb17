import BerthCore

/// Network failures with docker's wording and status codes.
enum NetworkError: Error, APIErrorConvertible, CustomStringConvertible {
    case noSuchNetwork(String)
    case nameInUse(String)
    case predefined(String)
    case activeEndpoints(name: String, id: String)
    case pool(IPv4Pool.Failure)
    case invalid(String)
    case unsupportedDriver(String)
    case staticIPOnDefault
    case notConnected(container: String, network: String)
    case alreadyConnected(container: String, network: String)
    case joinNotRunning(String)
    case kernel(String)

    /// A port the allocator refused: a port already taken fails like the kernel's bind does in dockerd.
    init(_ failure: EndpointAllocator.Failure) {
        switch failure {
        case .portAllocated: self = .kernel(failure.description)
        case .invalidPort, .noFreePort: self = .invalid(failure.description)
        }
    }

    var description: String {
        switch self {
        case .noSuchNetwork(let name): return "network \(name) not found"
        case .nameInUse(let name): return "network with name \(name) already exists"
        case .predefined(let name): return "\(name) is a pre-defined network and cannot be removed"
        case .activeEndpoints(let name, let id):
            return "error while removing network: network \(name) id \(id) has active endpoints"
        case .pool(let failure): return failure.description
        case .invalid(let message): return message
        case .unsupportedDriver(let name): return "could not find plugin \(name) in v1 plugin registry: plugin not found"
        case .staticIPOnDefault: return "user specified IP address is supported on user defined networks only"
        case .notConnected(let container, let network):
            return "container \(container) is not connected to network \(network)"
        case .alreadyConnected(let container, let network):
            return "endpoint with name \(container) already exists in network \(network)"
        case .joinNotRunning(let id): return "cannot join network of a non running container: \(id)"
        case .kernel(let message): return "failed to set up container networking: \(message)"
        }
    }

    var apiError: APIError {
        switch self {
        case .noSuchNetwork, .unsupportedDriver: return .notFound(description)
        case .nameInUse: return .conflict(description)
        case .predefined, .activeEndpoints, .alreadyConnected: return APIError(.forbidden, description)
        case .pool(let failure):
            switch failure {
            case .overlaps, .addressInUse, .exhausted: return APIError(.forbidden, description)
            default: return .invalidArgument(description)
            }
        case .invalid, .staticIPOnDefault, .notConnected: return .invalidArgument(description)
        case .joinNotRunning: return .conflict(description)
        case .kernel: return .internal(description)
        }
    }
}
