/// How a container's (or exec's) process ended, as the supervisor records it.
public struct ExitStatus: Codable, Sendable, Equatable {
    public var exitCode: Int32
    /// RFC 3339 with nanoseconds.
    public var finishedAt: String
    public var oomKilled: Bool
    /// Set when the process never started.
    public var error: String?

    public init(exitCode: Int32, finishedAt: String, oomKilled: Bool = false, error: String? = nil) {
        self.exitCode = exitCode
        self.finishedAt = finishedAt
        self.oomKilled = oomKilled
        self.error = error
    }
}
