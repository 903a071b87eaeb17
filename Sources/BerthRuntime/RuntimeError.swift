import Glibc

/// Failures of the container runtime, each naming the step that failed.
public enum RuntimeError: Error, CustomStringConvertible, Sendable {
    /// A syscall failed: the step and `errno`'s text.
    case system(step: String, errno: Int32)
    /// The process could not be started; `exitCode` is what docker reports (127 not found, 126 cannot run).
    case startFailed(message: String, exitCode: Int32)
    /// The supervisor spoke something unexpected.
    case protocolError(String)
    /// Copying an image's data into a new volume failed.
    case copyUpFailed(path: String, message: String)

    public var description: String {
        switch self {
        case .system(let step, let code): return "\(step): \(String(cString: strerror(code)))"
        case .startFailed(let message, _): return message
        case .protocolError(let message): return "shim protocol: \(message)"
        case .copyUpFailed(let path, let message): return "copy-up of \(path) into the volume: \(message)"
        }
    }

    /// `.system` with the current `errno`.
    static func errno(_ step: String) -> RuntimeError { .system(step: step, errno: Glibc.errno) }
}
