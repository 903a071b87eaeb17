import Foundation

/// A complete HTTP response.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Header fields by lower-cased name; a repeated field keeps its values joined with ", ".
    public var headers: [String: String]
    public var body: Data

    /// A response as received (headers already keyed by lower-cased name).
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The value of a header field, by any case of its name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
