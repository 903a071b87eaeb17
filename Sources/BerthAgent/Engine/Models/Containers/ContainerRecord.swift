import BerthCore

/// A container as berthd stores it in `<dataRoot>/containers/<id>/container.json`.
public struct ContainerRecord: Codable, Sendable, Equatable {
    public var version: Int = 1
    public var id: String
    /// Without the leading slash.
    public var name: String
    public var created: String
    /// `sha256:...`
    public var imageID: String
    /// What the user asked for (`bb`), shown by `docker ps`.
    public var imageName: String
    public var config: ContainerConfig
    public var hostConfig: HostConfig
    /// The command line, entrypoint and command resolved against the image.
    public var path: String
    public var args: [String]
    public var state: ContainerState
    /// How often the restart policy restarted it.
    public var restartCount: Int? = nil
    /// dockerd's HasBeenManuallyStopped: set by `docker stop`, `docker kill` and `rm -f`, cleared by start. The
    /// restart policy then leaves it stopped, and so does the agent's start for `unless-stopped`.
    public var manuallyStopped: Bool? = nil
    /// `docker network disconnect` from the network its `--network` names: `HostConfig.NetworkMode` keeps the
    /// name (as dockerd's does) while the container has no endpoint there until it is connected again.
    public var primaryDisconnected: Bool? = nil
    /// Volumes and binds resolved at create (nil: none).
    public var mounts: [MountPoint]?
    /// `NetworkingConfig` of the create request, plus networks connected later (`docker network connect`).
    public var networkingConfig: NetworkingConfig?

    public init(id: String, name: String, created: String, imageID: String, imageName: String,
                config: ContainerConfig, hostConfig: HostConfig, path: String, args: [String]) {
        self.id = id
        self.name = name
        self.created = created
        self.imageID = imageID
        self.imageName = imageName
        self.config = config
        self.hostConfig = hostConfig
        self.path = path
        self.args = args
        self.state = ContainerState()
    }
}

extension ContainerRecord {
    /// The container's network mode (`bridge` when the request named none).
    public var networkMode: NetworkMode { hostConfig.NetworkMode ?? .bridge }
}
