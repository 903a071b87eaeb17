import BerthCore

/// Facts about this build of the agent, fixed at compile time.
public enum AgentBuild {
    /// The Berth version, shared with the `berth` controller.
    public static var version: String { BerthVersion.string }

    /// The Engine API version the agent announces in `Api-Version` and `/version`.
    public static let apiVersion = APIVersion(major: 1, minor: 50)

    /// The oldest Engine API version accepted in a `/v1.NN/` prefix, as in dockerd.
    public static let minimumAPIVersion = APIVersion(major: 1, minor: 24)

    /// What `/version` reports as `GoVersion`: the Swift compiler that built the agent.
    public static var compilerVersion: String {
        #if compiler(>=6.3)
        return "swift6.3"
        #elseif compiler(>=6.2)
        return "swift6.2"
        #elseif compiler(>=6.1)
        return "swift6.1"
        #elseif compiler(>=6.0)
        return "swift6.0"
        #else
        return "n/a"
        #endif
    }
}
