/// The one error type that crosses the Engine API boundary.
///
/// Modules throw their own small error enums; those conform to ``APIErrorConvertible`` and are turned into an
/// `APIError` once, at the router. The code set is closed, and ``httpStatus`` is the only place a code becomes
/// an HTTP status. This type is free of NIO so it can move into a shared module later.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; decides the HTTP status.
    public enum Code: String, Codable, CaseIterable, Sendable {
        case notFound
        case conflict
        case invalidArgument
        case unauthorized
        case forbidden
        case notImplemented
        case unavailable
        case `internal`
        case unknown

        /// Decodes unknown codes as ``unknown`` rather than failing.
        public init(from decoder: Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            self = Code(rawValue: raw) ?? .unknown
        }
    }

    public var code: Code
    /// The text sent to the client as `{"message": ...}`.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, message) }
    public static func invalidArgument(_ message: String) -> APIError { APIError(.invalidArgument, message) }
    public static func notImplemented(_ message: String) -> APIError { APIError(.notImplemented, message) }
    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, message) }
    public static func unavailable(_ message: String) -> APIError { APIError(.unavailable, message) }
    public static func `internal`(_ message: String) -> APIError { APIError(.internal, message) }
}
