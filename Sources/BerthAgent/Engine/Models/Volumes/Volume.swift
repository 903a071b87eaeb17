/// A volume as the Engine API shows it (`GET /volumes/{name}`, `docker volume inspect`).
public struct Volume: Codable, Sendable, Equatable {
    public var CreatedAt: String
    public var Driver: String
    public var Labels: [String: String]
    public var Mountpoint: String
    public var Name: String
    public var Options: [String: String]
    public var Scope: String

    public init(CreatedAt: String, Driver: String, Labels: [String: String], Mountpoint: String, Name: String,
                Options: [String: String], Scope: String = "local") {
        self.CreatedAt = CreatedAt
        self.Driver = Driver
        self.Labels = Labels
        self.Mountpoint = Mountpoint
        self.Name = Name
        self.Options = Options
        self.Scope = Scope
    }
}

/// The body of `POST /volumes/create`.
public struct VolumeCreateRequest: Codable, Sendable, Equatable {
    public var Name: String?
    public var Driver: String?
    public var DriverOpts: [String: String]?
    public var Labels: [String: String]?

    public init(Name: String? = nil, Driver: String? = nil, DriverOpts: [String: String]? = nil,
                Labels: [String: String]? = nil) {
        self.Name = Name
        self.Driver = Driver
        self.DriverOpts = DriverOpts
        self.Labels = Labels
    }
}

/// `GET /volumes`.
public struct VolumeListResponse: Codable, Sendable {
    public var Volumes: [Volume]
    public var Warnings: [String]
}

/// `POST /volumes/prune`.
public struct VolumePruneResponse: Codable, Sendable {
    public var VolumesDeleted: [String]
    public var SpaceReclaimed: Int64
}

/// One entry of a container's `Mounts` (inspect and ps), also what berthd stores per container.
public struct MountPoint: Codable, Sendable, Equatable {
    /// `volume` or `bind`.
    public var `Type`: String
    /// The volume's name (volumes only).
    public var Name: String?
    /// The host path: the volume's directory or the bind source.
    public var Source: String
    public var Destination: String
    public var Driver: String?
    public var Mode: String
    public var RW: Bool
    public var Propagation: String

    public init(type: String, name: String?, source: String, destination: String, driver: String?, mode: String,
                rw: Bool, propagation: String) {
        self.Type = type
        self.Name = name
        self.Source = source
        self.Destination = destination
        self.Driver = driver
        self.Mode = mode
        self.RW = rw
        self.Propagation = propagation
    }
}

/// One entry of `HostConfig.Mounts` (`docker run --mount`).
public struct MountRequest: Codable, Sendable, Equatable {
    public struct VolumeOptions: Codable, Sendable, Equatable {
        public var NoCopy: Bool?
        public var Labels: [String: String]?
        public var DriverConfig: DriverConfig?
    }
    public struct DriverConfig: Codable, Sendable, Equatable {
        public var Name: String?
        public var Options: [String: String]?
    }
    public struct BindOptions: Codable, Sendable, Equatable {
        public var Propagation: String?
        public var CreateMountpoint: Bool?
    }
    public struct TmpfsOptions: Codable, Sendable, Equatable {
        public var SizeBytes: Int64?
        public var Mode: UInt32?
    }
    /// `--mount type=image,...,image-subpath=PATH` (API 1.48).
    public struct ImageOptions: Codable, Sendable, Equatable {
        public var Subpath: String?
    }

    public var `Type`: String?
    public var Source: String?
    public var Target: String?
    public var ReadOnly: Bool?
    public var VolumeOptions: VolumeOptions?
    public var BindOptions: BindOptions?
    public var TmpfsOptions: TmpfsOptions?
    public var ImageOptions: ImageOptions?

    public init(type: String?, source: String?, target: String?, readOnly: Bool? = nil) {
        self.Type = type
        self.Source = source
        self.Target = target
        self.ReadOnly = readOnly
    }
}
