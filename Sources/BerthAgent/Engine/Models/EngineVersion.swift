/// The body of `GET /version`, with dockerd's keys.
public struct EngineVersion: Codable, Equatable, Sendable {
    /// `{"Name": "Berth Engine"}`.
    public struct Platform: Codable, Equatable, Sendable {
        public var name: String

        public init(name: String) { self.name = name }

        enum CodingKeys: String, CodingKey { case name = "Name" }
    }

    /// One server component; `docker version` prints the `Engine` one. Details values are all strings.
    public struct Component: Codable, Equatable, Sendable {
        public var name: String
        public var version: String
        public var details: [String: String]?

        public init(name: String, version: String, details: [String: String]?) {
            self.name = name
            self.version = version
            self.details = details
        }

        enum CodingKeys: String, CodingKey {
            case name = "Name", version = "Version", details = "Details"
        }
    }

    public var platform: Platform
    public var components: [Component]
    public var version: String
    public var apiVersion: String
    public var minAPIVersion: String
    public var gitCommit: String
    public var goVersion: String
    public var os: String
    public var arch: String
    public var kernelVersion: String
    public var experimental: Bool?
    public var buildTime: String?

    public init(platform: Platform, components: [Component], version: String, apiVersion: String,
                minAPIVersion: String, gitCommit: String, goVersion: String, os: String, arch: String,
                kernelVersion: String, experimental: Bool? = nil, buildTime: String? = nil) {
        self.platform = platform
        self.components = components
        self.version = version
        self.apiVersion = apiVersion
        self.minAPIVersion = minAPIVersion
        self.gitCommit = gitCommit
        self.goVersion = goVersion
        self.os = os
        self.arch = arch
        self.kernelVersion = kernelVersion
        self.experimental = experimental
        self.buildTime = buildTime
    }

    enum CodingKeys: String, CodingKey {
        case platform = "Platform", components = "Components", version = "Version", apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion", gitCommit = "GitCommit", goVersion = "GoVersion", os = "Os"
        case arch = "Arch", kernelVersion = "KernelVersion", experimental = "Experimental", buildTime = "BuildTime"
    }
}
