/// The files of one container under `<dataRoot>/containers/<id>/`.
public struct ContainerPaths: Sendable, Equatable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public var spec: String { directory + "/spec.json" }
    /// The mount point of the overlay, inside the container's mount namespace only.
    public var rootfs: String { directory + "/rootfs" }
    /// The container layer (overlayfs upperdir) and its work directory.
    public var upper: String { directory + "/diff" }
    public var work: String { directory + "/work" }
    /// Kept short: unix socket paths are limited to ~100 bytes.
    public var socket: String { directory + "/sock" }
    public var log: String { directory + "/container-json.log" }
    public var exitStatus: String { directory + "/exit.json" }
    public var shimPid: String { directory + "/shim.pid" }
    public var shimLog: String { directory + "/shim.log" }
    public var execs: String { directory + "/execs" }
    public func execStatus(_ id: String) -> String { execs + "/\(id).json" }
}
