import BerthRuntime

/// `berthd shim <container dir>`: the agent binary re-executed as a container's supervisor.
public enum ShimCommand {
    /// Runs the supervisor and never returns when `arguments` ask for it (`shim <dir>`); otherwise returns.
    public static func runIfRequested(_ arguments: [String]) {
        guard arguments.count == 3, arguments[1] == "shim" else { return }
        Shim.main(directory: arguments[2])
    }
}
