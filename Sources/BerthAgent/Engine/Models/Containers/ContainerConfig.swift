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
    /// `VOLUME` paths of an image (docker writes `{"/path": {}}`).
    public var Volumes: [String: EmptyObject]?
    /// `EXPOSE` ports (`{"80/tcp": {}}`).
    public var ExposedPorts: [String: EmptyObject]?
    /// `HEALTHCHECK` / `--health-*`: what to probe and how often.
    public var Healthcheck: HealthConfig?
    /// `ONBUILD` triggers of an image: instructions a build that starts `FROM` it runs first.
    public var OnBuild: [String]?
    /// `--mac-address` as clients before API 1.44 send it (later ones put it in the endpoint settings).
    public var MacAddress: String?

    public init() {}
}

/// docker's `HealthConfig`: `Test` is `["NONE"]`, `["CMD", arg...]` or `["CMD-SHELL", "command"]`; durations in
/// nanoseconds, 0 meaning docker's default (30 s interval and timeout, 0 start period, 5 s start interval, 3 retries).
public struct HealthConfig: Codable, Sendable, Equatable {
    public var Test: [String]?
    public var Interval: Int64?
    public var Timeout: Int64?
    public var StartPeriod: Int64?
    public var StartInterval: Int64?
    public var Retries: Int?

    public init(Test: [String]? = nil) { self.Test = Test }

    /// The image's check with the container's fields over it, as dockerd merges them at create.
    public static func merged(container: HealthConfig?, image: HealthConfig?) -> HealthConfig? {
        guard var merged = container else { return image }
        guard let image else { return merged }
        if merged.Test?.isEmpty ?? true { merged.Test = image.Test }
        if (merged.Interval ?? 0) == 0 { merged.Interval = image.Interval }
        if (merged.Timeout ?? 0) == 0 { merged.Timeout = image.Timeout }
        if (merged.StartPeriod ?? 0) == 0 { merged.StartPeriod = image.StartPeriod }
        if (merged.StartInterval ?? 0) == 0 { merged.StartInterval = image.StartInterval }
        if (merged.Retries ?? 0) == 0 { merged.Retries = image.Retries }
        return merged
    }

    /// Whether there is anything to probe.
    public var isActive: Bool {
        guard let test = Test, let first = test.first else { return false }
        return first != "NONE" && test.count > 1
    }
}

/// The `{}` values of docker's set-like maps (`Volumes`, `ExposedPorts`).
public struct EmptyObject: Codable, Sendable, Equatable {
    public init() {}
}
