/// The state `ls` and `status` print, as docker-machine names them.
public enum MachineState: String, Codable, Sendable, CaseIterable {
    case none = ""
    case running = "Running"
    case paused = "Paused"
    case saved = "Saved"
    case stopped = "Stopped"
    case stopping = "Stopping"
    case starting = "Starting"
    case error = "Error"
    case timeout = "Timeout"
}
