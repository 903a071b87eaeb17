import NIOHTTP1

/// `/_ping`, `/version`, `/info` (what the docker CLI calls before anything else) and `/system/df`.
enum SystemRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        router.get("/_ping") { _ in ping(body: "OK") }
        router.head("/_ping") { _ in ping(body: nil) }
        router.get("/version") { _ in try .json(EngineVersion.current(host: context.host)) }
        router.get("/info") { request in
            var info = EngineInfoBuilder.build(context: context)
            // what dockerd answers at the version asked for
            if request.apiVersion >= APIVersion(major: 1, minor: 49) {
                info.containerdCommit.expected = nil
                info.runcCommit.expected = nil
                info.initCommit.expected = nil
                info.firewallBackend = .init(driver: "iptables")
            }
            if request.apiVersion >= APIVersion(major: 1, minor: 50) {
                info.bridgeNfIptables = nil
                info.bridgeNfIp6tables = nil
            }
            let counts = await context.containers.stateCounts
            info.containersRunning = counts.running
            info.containersPaused = counts.paused
            info.containersStopped = counts.stopped
            info.containers = counts.running + counts.paused + counts.stopped
            info.images = await context.images.count
            return try .json(info)
        }
        router.get("/system/df") { _ in try .json(await dataUsage(context: context)) }
    }

    /// `GET /system/df`: images, containers with the size of their writable layers, volumes with their size and
    /// how many containers use them.
    static func dataUsage(context: EngineContext) async throws -> SystemDataUsage {
        let images = await context.images.summaries(containers: await context.containers.imageUseCounts())
        var containers = await context.containers.summaries(all: true)
        for index in containers.indices {
            containers[index].SizeRw = await context.containers.writableLayerSize(containers[index].Id)
            let image = images.first { $0.Id == containers[index].ImageID }
            containers[index].SizeRootFs = (containers[index].SizeRw ?? 0) + Int64(image?.Size ?? 0)
        }
        let users = await context.containers.volumeUsers()
        var volumes: [VolumeUsage] = []
        for volume in await context.volumes.list(filters: try VolumeFilters(json: nil), users: users) {
            let path = volume.Mountpoint
            let size = (try? await Blocking.run { ContainerStore.diskUsage(path) }) ?? -1
            volumes.append(VolumeUsage(volume: volume, usage: .init(Size: size, RefCount: users[volume.Name]?.count ?? 0)))
        }
        return SystemDataUsage(LayersSize: images.reduce(0) { $0 + Int64($1.Size) }, Images: images,
                               Containers: containers, Volumes: volumes)
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
