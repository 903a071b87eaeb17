import BerthCore

extension FilterArgs {
    /// The `filters` query value, a malformed one refused as a bad request.
    static func parse(_ text: String?) throws -> FilterArgs {
        do {
            return try FilterArgs(json: text)
        } catch {
            throw APIError.invalidArgument("\(error)")
        }
    }
}
