/// `GET /images/{name}/json`.
public struct ImageInspect: Encodable, Sendable {
    public struct RootFS: Codable, Sendable {
        public var `Type`: String
        public var Layers: [String]
    }
    public struct Metadata: Encodable, Sendable {
        public var LastTagTime: String
    }
    public struct GraphDriver: Codable, Sendable {
        public var Name: String
        public var Data: [String: String]
    }

    public var Id: String
    public var RepoTags: [String]
    public var RepoDigests: [String]
    public var Parent: String
    public var Comment: String
    public var Created: String
    public var DockerVersion: String
    public var Author: String
    public var Container: String = ""
    public var ContainerConfig = ImageConfigView(BerthAgent.ContainerConfig())
    public var Config: ImageConfigView
    public var Architecture: String
    public var Os: String
    public var Size: Int
    public var VirtualSize: Int
    public var GraphDriver: GraphDriver
    public var RootFS: RootFS
    public var Metadata = ImageInspect.Metadata(LastTagTime: "0001-01-01T00:00:00Z")
}

/// An image's or a container's `Config` as dockerd 20.10 writes it: the keys Go always writes (`null` when unset), then the ones it
/// leaves out when empty.
public struct ImageConfigView: Encodable, Sendable {
    let config: ContainerConfig
    /// API ≥ 1.50 for an image: only the OCI image config's keys (no Hostname, Attach*, Tty, Image, StopTimeout...).
    let imageOnly: Bool
    public init(_ config: ContainerConfig, imageOnly: Bool = false) {
        self.config = config
        self.imageOnly = imageOnly
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        func k(_ name: String) -> AnyCodingKey { AnyCodingKey(name) }
        if !imageOnly { try c.encode(config.Hostname ?? "", forKey: k("Hostname")) }
        if !imageOnly { try c.encode(config.Domainname ?? "", forKey: k("Domainname")) }
        try c.encode(config.User ?? "", forKey: k("User"))
        if !imageOnly { try c.encode(config.AttachStdin ?? false, forKey: k("AttachStdin")) }
        if !imageOnly { try c.encode(config.AttachStdout ?? false, forKey: k("AttachStdout")) }
        if !imageOnly { try c.encode(config.AttachStderr ?? false, forKey: k("AttachStderr")) }
        try c.encodeIfPresent(config.ExposedPorts, forKey: k("ExposedPorts"))
        if !imageOnly { try c.encode(config.Tty ?? false, forKey: k("Tty")) }
        if !imageOnly { try c.encode(config.OpenStdin ?? false, forKey: k("OpenStdin")) }
        if !imageOnly { try c.encode(config.StdinOnce ?? false, forKey: k("StdinOnce")) }
        try c.encode(config.Env, forKey: k("Env"))
        try c.encode(config.Cmd, forKey: k("Cmd"))
        try c.encodeIfPresent(config.Healthcheck, forKey: k("Healthcheck"))
        if !imageOnly { try c.encode(config.Image ?? "", forKey: k("Image")) }
        try c.encode(config.Volumes, forKey: k("Volumes"))
        try c.encode(config.WorkingDir ?? "", forKey: k("WorkingDir"))
        try c.encode(config.Entrypoint, forKey: k("Entrypoint"))
        try c.encode(config.OnBuild.flatMap { $0.isEmpty ? nil : $0 }, forKey: k("OnBuild"))
        try c.encode(config.Labels, forKey: k("Labels"))
        try c.encodeIfPresent(config.StopSignal, forKey: k("StopSignal"))
        if !imageOnly { try c.encodeIfPresent(config.StopTimeout, forKey: k("StopTimeout")) }
    }
}
