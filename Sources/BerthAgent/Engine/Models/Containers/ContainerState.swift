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
    /// Present only for containers with a healthcheck, as with dockerd.
    public var Health: HealthState?

    public init() {}

    /// The state as dockerd shows it: a container in its restart policy's back-off counts as running.
    public var inspected: ContainerState {
        var state = self
        if Restarting { state.Running = true }
        return state
    }
}

/// `State.Health`: starting, healthy or unhealthy, the failures in a row and the last five probes.
public struct HealthState: Codable, Sendable, Equatable {
    public var Status: String = "starting"
    public var FailingStreak: Int = 0
    public var Log: [HealthResult] = []

    public init() {}
}

public struct HealthResult: Codable, Sendable, Equatable {
    public var Start: String
    public var End: String
    public var ExitCode: Int
    public var Output: String

    public init(Start: String, End: String, ExitCode: Int, Output: String) {
        self.Start = Start
        self.End = End
        self.ExitCode = ExitCode
        self.Output = Output
    }
}
