/// `POST /containers/{id}/exec`.
public struct ExecCreateRequest: Codable, Sendable {
    public var AttachStdin: Bool?
    public var AttachStdout: Bool?
    public var AttachStderr: Bool?
    public var Tty: Bool?
    public var Env: [String]?
    public var Cmd: [String]?
    public var WorkingDir: String?
    public var User: String?
    public var Privileged: Bool?
    public var DetachKeys: String?
}

/// `POST /exec/{id}/start`.
public struct ExecStartRequest: Codable, Sendable {
    public var Detach: Bool?
    public var Tty: Bool?
}

/// `GET /exec/{id}/json`.
public struct ExecInspect: Codable, Sendable {
    public struct ProcessConfig: Codable, Sendable {
        public var tty: Bool
        public var entrypoint: String
        public var arguments: [String]
        public var privileged: Bool
        public var user: String
    }
    public var ID: String
    public var Running: Bool
    public var ExitCode: Int?
    public var ProcessConfig: ProcessConfig
    public var OpenStdin: Bool
    public var OpenStderr: Bool
    public var OpenStdout: Bool
    public var CanRemove: Bool
    public var ContainerID: String
    public var DetachKeys: String
    public var Pid: Int
}

/// `{Id}` answers (exec create).
public struct IDResponse: Codable, Sendable {
    public var Id: String
}
