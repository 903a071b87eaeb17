/// The `condition` of `POST /containers/{id}/wait`.
enum WaitCondition: String, Sendable {
    case notRunning = "not-running"
    case nextExit = "next-exit"
    case removed

    init(query: String?) throws {
        guard let query, !query.isEmpty else {
            self = .notRunning
            return
        }
        guard let condition = WaitCondition(rawValue: query) else {
            throw APIError.invalidArgument("invalid condition: \"\(query)\"")
        }
        self = condition
    }
}
