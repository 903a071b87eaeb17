extension EngineVersion {
    /// This agent's `/version` answer on `host`.
    static func current(host: HostFacts) -> EngineVersion {
        let build = BuildFacts.current
        let details: [String: String] = [
            "ApiVersion": AgentBuild.apiVersion.description,
            "MinAPIVersion": AgentBuild.minimumAPIVersion.description,
            "GitCommit": build.gitCommit,
            "GoVersion": AgentBuild.compilerVersion,
            "Os": "linux",
            "Arch": host.goArch,
            "KernelVersion": host.kernelVersion,
            "BuildTime": build.buildTime,
            "Experimental": "false",
        ]
        return EngineVersion(
            platform: Platform(name: "Berth Engine"),
            components: [Component(name: "Engine", version: AgentBuild.version, details: details)],
            version: AgentBuild.version,
            apiVersion: AgentBuild.apiVersion.description,
            minAPIVersion: AgentBuild.minimumAPIVersion.description,
            gitCommit: build.gitCommit,
            goVersion: AgentBuild.compilerVersion,
            os: "linux",
            arch: host.goArch,
            kernelVersion: host.kernelVersion,
            buildTime: build.buildTime)
    }
}
