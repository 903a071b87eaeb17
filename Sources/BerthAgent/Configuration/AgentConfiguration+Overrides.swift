extension AgentConfiguration {
    /// Values given on `berthd`'s command line; each non-nil one replaces the file's value.
    public struct Overrides: Sendable, Equatable {
        public var host: String?
        public var port: Int?
        public var tlsCACert: String?
        public var tlsCert: String?
        public var tlsKey: String?
        public var unixSocket: String?
        public var dataRoot: String?
        public var execRoot: String?
        /// Replaces the file's labels when non-empty.
        public var labels: [String]
        public var logLevel: String?

        public init(host: String? = nil, port: Int? = nil, tlsCACert: String? = nil, tlsCert: String? = nil,
                    tlsKey: String? = nil, unixSocket: String? = nil, dataRoot: String? = nil,
                    execRoot: String? = nil, labels: [String] = [], logLevel: String? = nil) {
            self.host = host
            self.port = port
            self.tlsCACert = tlsCACert
            self.tlsCert = tlsCert
            self.tlsKey = tlsKey
            self.unixSocket = unixSocket
            self.dataRoot = dataRoot
            self.execRoot = execRoot
            self.labels = labels
            self.logLevel = logLevel
        }
    }

    /// This configuration with `overrides` applied.
    public func applying(_ overrides: Overrides) -> AgentConfiguration {
        var result = self
        if let host = overrides.host { result.host = host }
        if let port = overrides.port { result.port = port }
        if let path = overrides.tlsCACert { result.tlsCACert = path }
        if let path = overrides.tlsCert { result.tlsCert = path }
        if let path = overrides.tlsKey { result.tlsKey = path }
        if let path = overrides.unixSocket { result.unixSocket = path }
        if let path = overrides.dataRoot { result.dataRoot = path }
        if let path = overrides.execRoot { result.execRoot = path }
        if !overrides.labels.isEmpty { result.labels = overrides.labels }
        if let level = overrides.logLevel { result.logLevel = level }
        return result
    }

    /// The file at `path` (or the defaults when nil) with `overrides` applied, validated.
    public static func resolve(file path: String?, overrides: Overrides) throws -> AgentConfiguration {
        let base = try path.map { try AgentConfiguration.load(contentsOf: $0) } ?? AgentConfiguration()
        let configuration = base.applying(overrides)
        try configuration.validate()
        return configuration
    }
}
