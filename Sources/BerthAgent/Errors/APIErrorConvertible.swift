/// A module's own error that knows which ``APIError`` it becomes at the API boundary.
public protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension APIError {
    /// The boundary form of any error thrown by a handler: `APIError` as is, convertible errors converted,
    /// JSON decoding errors as `invalidArgument`, anything else as `internal`.
    public init(from error: Error) {
        switch error {
        case let apiError as APIError:
            self = apiError
        case let convertible as APIErrorConvertible:
            self = convertible.apiError
        case let decoding as DecodingError:
            self = .invalidArgument("invalid JSON: \(decoding.shortDescription)")
        default:
            self = .internal(String(describing: error))
        }
    }
}

private extension DecodingError {
    /// One line naming the key path, instead of the multi-line default description.
    var shortDescription: String {
        func path(_ context: Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch self {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): missing \(type) value"
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return (parent.isEmpty ? "" : parent + ".") + "\(key.stringValue): required field missing"
        case .dataCorrupted(let context):
            return context.debugDescription
        @unknown default:
            return String(describing: self)
        }
    }
}
