import NIOHTTP1

/// `/_ping`, `/version` and `/info`: what the docker CLI calls before anything else.
enum SystemRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        router.get("/_ping") { _ in ping(body: "OK") }
        router.head("/_ping") { _ in ping(body: nil) }
        router.get("/version") { _ in try .json(EngineVersion.current(host: context.host)) }
        router.get("/info") { _ in
            var info = EngineInfoBuilder.build(context: context)
            let counts = await context.containers.stateCounts
            info.containersRunning = counts.running
            info.containersPaused = counts.paused
            info.containersStopped = counts.stopped
            info.containers = counts.running + counts.paused + counts.stopped
            return try .json(info)
        }
    }

    /// dockerd's ping: `OK`, never cached, with the headers the CLI negotiates from.
    static func ping(body: String?) -> Response {
        var headers = HTTPHeaders()
        headers.add(name: "Cache-Control", value: "no-cache, no-store, must-revalidate")
        headers.add(name: "Pragma", value: "no-cache")
        headers.add(name: "Builder-Version", value: "1")
        headers.add(name: "Swarm", value: "inactive")
        guard let body else {
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            return Response(status: .ok, headers: headers, body: .empty)
        }
        return .text(body, headers: headers)
    }
}
