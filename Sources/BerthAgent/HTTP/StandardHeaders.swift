import NIOHTTP1

/// The headers dockerd puts on every response, which the docker CLI reads during version negotiation.
enum StandardHeaders {
    /// `Berth/<version> (linux)`.
    static let server = "Berth/\(AgentBuild.version) (linux)"

    /// Sets `Server`, `Api-Version`, `Ostype` and `Docker-Experimental`, replacing any a handler set.
    static func apply(to headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: "Server", value: server)
        headers.replaceOrAdd(name: "Api-Version", value: AgentBuild.apiVersion.description)
        headers.replaceOrAdd(name: "Ostype", value: "linux")
        headers.replaceOrAdd(name: "Docker-Experimental", value: "false")
    }
}
