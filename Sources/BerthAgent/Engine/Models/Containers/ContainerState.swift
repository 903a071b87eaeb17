/// docker's `State` of a container, as stored and as inspected.
public struct ContainerState: Codable, Sendable, Equatable {
    /// created, running, paused, restarting, removing, exited, dead.
    public var Status: String = "created"
    public var Running: Bool = false
    public var Paused: Bool = false
    public var Restarting: Bool = false
    public var OOMKilled: Bool = false
    public var Dead: Bool = false
    public var Pid: Int = 0
    public var ExitCode: Int = 0
    public var Error: String = ""
    public var StartedAt: String = "0001-01-01T00:00:00Z"
    public var FinishedAt: String = "0001-01-01T00:00:00Z"

    public init() {}
}
