/// Where networks plug into a container: called with the pid of a started container, whose network namespace is
/// at `/proc/<pid>/ns/net`. Loopback is brought up by the runtime itself.
public protocol NetworkSandbox: Sendable {
    /// Attaches the container's network namespace to its networks.
    func attach(containerID: String, pid: Int32) throws
    /// Releases what ``attach(containerID:pid:)`` set up (the namespace itself dies with the container).
    func detach(containerID: String) throws
}

/// Loopback only: nothing to attach.
public struct LoopbackSandbox: NetworkSandbox {
    public init() {}
    public func attach(containerID: String, pid: Int32) throws {}
    public func detach(containerID: String) throws {}
}
