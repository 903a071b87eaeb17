#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension ContainerStore {
    /// `GET /containers/json`.
    func summaries(all: Bool, filter: ContainerFilter = ContainerFilter()) async -> [ContainerSummary] {
        loadIfNeeded()
        let all = all || filter.impliesAll
        var result: [ContainerSummary] = []
        for record in records.values.filter({ (all || $0.state.Running || $0.state.Restarting) && filter.matches($0) })
            .sorted(by: { $0.created > $1.created }) {
            let ports = await portSummaries(record)
            let networks = await networkSettings(record).Networks
            result.append(ContainerSummary(
                Id: record.id, Names: ["/" + record.name], Image: record.imageName, ImageID: record.imageID,
                Command: ([record.path] + record.args).joined(separator: " "),
                Created: RFC3339Seconds.parse(record.created), State: record.state.Status,
                Status: Self.statusText(record.state), Ports: ports, Labels: record.config.Labels ?? [:],
                HostConfig: ["NetworkMode": record.networkMode.text],
                Mounts: record.mounts ?? [], NetworkSettings: SummaryNetworkSettings(Networks: networks)))
        }
        return result
    }

    /// "Up 3 seconds", "Exited (0) 2 minutes ago", "Created".
    static func statusText(_ state: ContainerState) -> String {
        let now = Int(Date().timeIntervalSince1970)
        switch state.Status {
        case "running":
            let up = "Up " + duration(now - RFC3339Seconds.parse(state.StartedAt))
            switch state.Health?.Status {
            case "starting"?: return up + " (health: starting)"
            case let status?: return up + " (\(status))"
            case nil: return up
            }
        case "paused": return "Up " + duration(now - RFC3339Seconds.parse(state.StartedAt)) + " (Paused)"
        case "restarting":
            return "Restarting (\(state.ExitCode)) " + duration(now - RFC3339Seconds.parse(state.FinishedAt)) + " ago"
        case "exited": return "Exited (\(state.ExitCode)) " + duration(now - RFC3339Seconds.parse(state.FinishedAt)) + " ago"
        default: return state.Status.prefix(1).uppercased() + state.Status.dropFirst()
        }
    }

    static func duration(_ seconds: Int) -> String {
        switch seconds {
        case ..<1: return "Less than a second"
        case 1: return "1 second"
        case ..<60: return "\(seconds) seconds"
        case ..<120: return "About a minute"
        case ..<3600: return "\(seconds / 60) minutes"
        case ..<7200: return "About an hour"
        default: return "\(seconds / 3600) hours"
        }
    }

    /// `GET /containers/{id}/json`.
    func inspect(_ reference: String) async throws -> ContainerInspect {
        let record = try find(reference)
        let paths = paths(record.id)
        let network = await networkSettings(record)
        let hasFiles = FileManager.default.fileExists(atPath: paths.directory + "/hostname")
        var inspect = ContainerInspect(
            Id: record.id, Created: record.created, Path: record.path, Args: record.args, State: record.state.inspected,
            Image: record.imageID, Name: "/" + record.name, RestartCount: record.restartCount ?? 0, Driver: storageDriver.rawValue, Platform: "linux",
            LogPath: paths.log, HostnamePath: "", Config: ImageConfigView(inspectConfig(record)),
            HostConfig: HostConfigInspect(record.hostConfig, networkMode: record.networkMode.text),
            GraphDriver: storageDriver == .vfs ? ContainerInspect.GraphDriver(Name: "vfs", Data: ["Dir": paths.rootfs])
                : .init(Name: "overlay2", Data: ["UpperDir": paths.upper, "WorkDir": paths.work,
                                                 "MergedDir": paths.rootfs]),
            Mounts: record.mounts ?? [], NetworkSettings: network)
        inspect.HostConfig.Links = Self.linksView(record)
        let running = execs.values.filter { $0.containerID == record.id && $0.running }.map(\.id).sorted()
        inspect.ExecIDs = running.isEmpty ? nil : running
        if hasFiles {
            inspect.HostnamePath = paths.directory + "/hostname"
            inspect.HostsPath = paths.directory + "/hosts"
            inspect.ResolvConfPath = paths.directory + "/resolv.conf"
        }
        return inspect
    }

    private func inspectConfig(_ record: ContainerRecord) -> ContainerConfig {
        var view = record.config.inspectView(hostname: String(record.id.prefix(12)))
        if view.Image?.isEmpty ?? true { view.Image = record.imageName }
        return view
    }

    func logPath(_ id: String) -> String { paths(id).log }
    func isRunning(_ id: String) -> Bool { records[id]?.state.Running ?? false }
}
