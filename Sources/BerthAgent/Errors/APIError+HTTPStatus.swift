extension APIError.Code {
    /// The HTTP status a code is sent with. The only place this mapping exists.
    public var httpStatus: Int {
        switch self {
        case .invalidArgument: return 400
        case .unauthorized: return 401
        case .forbidden: return 403
        case .notFound: return 404
        case .conflict: return 409
        case .internal, .unknown: return 500
        case .notImplemented: return 501
        case .unavailable: return 503
        }
    }

    /// The code a client should assume for an error response with `status` (the inverse of ``httpStatus``).
    public init(httpStatus status: Int) {
        self = Self.allCases.first { $0 != .unknown && $0.httpStatus == status } ?? .unknown
    }
}

extension APIError {
    /// The HTTP status of this error; see ``APIError/Code/httpStatus``.
    public var httpStatus: Int { code.httpStatus }
}
