/// The body of every Engine API error response: `{"message": "..."}`.
public struct ErrorMessage: Codable, Equatable, Sendable {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case message
    }
}
