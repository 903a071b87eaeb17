/// Failures of the image store, with docker's wording.
enum ImageStoreError: Error, APIErrorConvertible, CustomStringConvertible {
    case noSuchImage(String)
    case invalidReference(String)
    case unpackFailed(String)
    case inUse(reference: String, container: String, image: String)

    var description: String {
        switch self {
        case .noSuchImage(let name): return "No such image: \(name)"
        case .invalidReference(let name): return "invalid reference format: \(name)"
        case .unpackFailed(let detail): return "cannot unpack layer: \(detail)"
        case .inUse(let reference, let container, let image):
            return "conflict: unable to delete \(reference) (must be forced) - image is being used by stopped "
                + "container \(container.prefix(12)) (\(image.prefix(19)))"
        }
    }

    var apiError: APIError {
        switch self {
        case .noSuchImage: return .notFound(description)
        case .invalidReference: return .invalidArgument(description)
        case .unpackFailed: return .internal(description)
        case .inUse: return .conflict(description)
        }
    }
}
