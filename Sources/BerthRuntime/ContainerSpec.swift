/// Everything the supervisor needs to start a container; written as `spec.json` in the container's directory.
public struct ContainerSpec: Codable, Sendable, Equatable {
    public var id: String
    public var hostname: String
    /// Image layer directories, topmost first (overlayfs `lowerdir` order).
    public var lowerDirs: [String]
    public var process: ProcessSpec
    /// cgroup v1 limits; nil or 0 means none.
    public var memoryLimit: Int64?
    public var pidsLimit: Int64?
    /// Volumes and host paths bind-mounted into the container, in order (nil: none).
    public var mounts: [MountSpec]?

    public init(id: String, hostname: String, lowerDirs: [String], process: ProcessSpec, memoryLimit: Int64? = nil,
                pidsLimit: Int64? = nil, mounts: [MountSpec]? = nil) {
        self.id = id
        self.hostname = hostname
        self.lowerDirs = lowerDirs
        self.process = process
        self.memoryLimit = memoryLimit
        self.pidsLimit = pidsLimit
        self.mounts = mounts
    }
}

/// A bind mount of a host path (a volume's directory or a bind source) at `destination` inside the container.
public struct MountSpec: Codable, Sendable, Equatable {
    public var source: String
    public var destination: String
    public var readOnly: Bool

    public init(source: String, destination: String, readOnly: Bool = false) {
        self.source = source
        self.destination = destination
        self.readOnly = readOnly
    }
}
