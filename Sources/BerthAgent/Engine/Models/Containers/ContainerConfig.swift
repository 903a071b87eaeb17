/// Docker's container `Config` (also the `config` of an image): what to run and how.
public struct ContainerConfig: Codable, Sendable, Equatable {
    public var Hostname: String?
    public var Domainname: String?
    public var User: String?
    public var AttachStdin: Bool?
    public var AttachStdout: Bool?
    public var AttachStderr: Bool?
    public var Tty: Bool?
    public var OpenStdin: Bool?
    public var StdinOnce: Bool?
    public var Env: [String]?
    public var Cmd: [String]?
    public var Entrypoint: [String]?
    public var Image: String?
    public var WorkingDir: String?
    public var Labels: [String: String]?
    public var StopSignal: String?
    public var StopTimeout: Int?
    /// `"80/tcp": {}` (EXPOSE, `--expose`).
    public var ExposedPorts: [String: [String: String]]?

    public init() {}
}
