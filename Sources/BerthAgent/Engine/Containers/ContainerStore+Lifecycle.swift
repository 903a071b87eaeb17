#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime
import Glibc

extension ContainerStore {
    /// Starts a container's supervisor and its process. Returns false when it was already running. `byPolicy`:
    /// a restart of its restart policy, which leaves a stop that came meanwhile in force.
    func start(_ reference: String, byPolicy: Bool = false) async throws -> Bool {
        var record = try find(reference)
        if record.state.Running { return false }
        let id = record.id
        let paths = paths(id)
        do {
            try await copyRootfsIfNeeded(record)
            var spec = try await containerSpec(for: record)
            spec.process.env += try await linkPlan(record).env
            if let plan = try await prepareNetwork(record) {
                spec.network = plan.0
                spec.networkFiles = plan.1
            }
            let fm = FileManager.default
            for stale in [paths.exitStatus, paths.socket, paths.spec] { try? fm.removeItem(atPath: stale) }
            try JSONEncoder().encode(spec).write(to: URL(fileURLWithPath: paths.spec), options: .atomic)
            try await ShimLauncher.launch(binary: shimBinary, paths: paths)
        } catch {
            // Whatever failed before the process existed: a waiter (`docker run --rm` waits for
            // "removed") must hear of it, and an AutoRemove container must go, as with dockerd.
            await networks?.release(id)
            if var failed = try? find(id) {
                failed.state.ExitCode = 128
                failed.state.Error = "\(error)"
                save(failed)
                resolveWaiters(id, exitCode: 128, conditions: [.nextExit, .notRunning], error: "\(error)")
            }
            if record.hostConfig.AutoRemove ?? false { try? await remove(id, force: true) }
            throw error
        }
        shimReady.insert(id)
        // Let attach requests that came before start connect first, so no output is missed.
        _ = await waitUntil(id, seconds: 3) { ($0.attaching[id] ?? 0) == 0 }
        let reply = try await ShimClient.call(paths.socket, ShimRequest(op: .start))
        guard reply.ok, let pid = reply.pid else {
            let message = reply.error ?? "unknown error"
            shimReady.remove(id)
            await networks?.release(id)
            record = try find(id)
            record.state.Status = "created"
            record.state.ExitCode = Int(reply.exitCode ?? 126)
            record.state.Error = message
            save(record)
            resolveWaiters(id, exitCode: record.state.ExitCode, conditions: [.nextExit, .notRunning],
                           error: message)
            if record.hostConfig.AutoRemove ?? false { try? await remove(id, force: true) }
            throw ContainerError.startFailed(message)
        }
        await publishNetworkEvents("connect", id)
        record = try find(id)
        record.state.Status = "running"
        record.state.Running = true
        record.state.Restarting = false
        record.state.Pid = Int(pid)
        record.state.ExitCode = 0
        record.state.Error = ""
        record.state.OOMKilled = false
        record.state.StartedAt = Timestamp.now()
        record.state.FinishedAt = "0001-01-01T00:00:00Z"
        if !byPolicy { record.manuallyStopped = nil }
        save(record)
        monitor(id)
        emit("start", record)
        startHealthcheck(id)
        return true
    }

    func containerSpec(for record: ContainerRecord) async throws -> ContainerSpec {
        let lower = try await images.layerDirectories(of: record.imageID)
        let upper = storageDriver == .vfs ? [paths(record.id).rootfs] : [paths(record.id).upper]
        let (uid, gid, groups) = try Self.identity(record.config.User, groupAdd: record.hostConfig.GroupAdd ?? [],
                                                   roots: upper + lower)
        let config = record.config
        let process = ProcessSpec(args: [record.path] + record.args, env: config.Env ?? [],
                                  cwd: (config.WorkingDir?.isEmpty ?? true) ? "/" : config.WorkingDir!,
                                  uid: uid, gid: gid, tty: config.Tty ?? false, openStdin: config.OpenStdin ?? false,
                                  stdinOnce: config.StdinOnce ?? false, groups: groups)
        var spec = ContainerSpec(id: record.id, hostname: config.Hostname ?? String(record.id.prefix(12)),
                                 lowerDirs: lower, process: process, memoryLimit: record.hostConfig.Memory,
                                 pidsLimit: record.hostConfig.PidsLimit, mounts: try mountSpecs(for: record))
        if storageDriver == .vfs { spec.rootfsCopied = true }
        if record.hostConfig.ReadonlyRootfs == true { spec.readOnlyRoot = true }
        if record.hostConfig.Init == true { spec.initProcess = true }
        try Self.applyPrivileges(record.hostConfig, to: &spec, domainname: config.Domainname)
        return spec
    }

    /// With the vfs driver: the container's rootfs, copied from its image's layers once (a marker file next to it
    /// says the copy is complete).
    func copyRootfsIfNeeded(_ record: ContainerRecord) async throws {
        guard storageDriver == .vfs else { return }
        let paths = paths(record.id)
        let marker = paths.directory + "/rootfs.copied"
        guard access(marker, F_OK) != 0 else { return }
        let layers = try await images.layerDirectories(of: record.imageID)
        try await Blocking.run {
            LayerUnpacker.removeAny(paths.rootfs)
            try LayerCopier.materialise(layers: layers, into: paths.rootfs)
            guard FileManager.default.createFile(atPath: marker, contents: Data()) else {
                throw LayerError.io("create \(marker)", errno)
            }
        }
    }

    /// `-u` resolved against the container's `/etc/passwd` and `/etc/group`, read from `roots` (the first that has
    /// the file: a running container's `/proc/PID/root`, else its upper layer, then its image's layers, topmost first).
    static func parseUser(_ user: String?, roots: [String] = []) throws -> (UInt32, UInt32) {
        let r = try identity(user, groupAdd: [], roots: roots)
        return (r.uid, r.gid)
    }

    /// The user, its group and its supplementary groups (memberships in /etc/group, then `--group-add`).
    static func identity(_ user: String?, groupAdd: [String], roots: [String]) throws
        -> (uid: UInt32, gid: UInt32, groups: [UInt32]) {
        func read(_ path: String) -> String? {
            for root in roots {
                if let data = FileManager.default.contents(atPath: root + path) { return String(decoding: data, as: UTF8.self) }
            }
            return nil
        }
        let isRoot = user == nil || user!.isEmpty || user == "root" || user == "0" || user == "0:0"
        if isRoot && groupAdd.isEmpty { return (0, 0, [0]) }
        do {
            let passwd = read("/etc/passwd"), group = read("/etc/group")
            let r = isRoot ? ContainerUser.Resolved(uid: 0, gid: 0) : try ContainerUser.resolve(user, passwd: passwd, group: group)
            let groups = try ContainerUser.supplementaryGroups(isRoot ? nil : user, adds: groupAdd, passwd: passwd, group: group)
            return (r.uid, r.gid, [r.gid] + groups.filter { $0 != r.gid })
        } catch let e as ContainerUser.Failure {
            throw APIError.invalidArgument(e.description)
        }
    }

    /// Follows a running container's supervisor until the container exits.
    func monitor(_ id: String) {
        guard !monitored.contains(id) else { return }
        monitored.insert(id)
        let socket = paths(id).socket
        Task {
            _ = try? await ShimClient.call(socket, ShimRequest(op: .wait))
            await self.exited(id)
        }
    }

    /// Records the exit written by the supervisor, wakes waiters and removes `--rm` containers.
    func exited(_ id: String) async {
        monitored.remove(id)
        stopHealthcheck(id)
        shimReady.remove(id)
        guard records[id] != nil else { return }
        var status = recordedExit(id)
        for _ in 0..<19 where status == nil {
            try? await Task.sleep(nanoseconds: 50_000_000)
            status = recordedExit(id)
        }
        let exit = status ?? Self.supervisorLost
        guard var record = recordExit(id, exit) else { return }
        emit("die", record, ["exitCode": String(exit.exitCode)])
        await releaseNetworks(id)
        resolveWaiters(id, exitCode: Int(exit.exitCode), conditions: [.nextExit, .notRunning], error: nil)
        if record.hostConfig.AutoRemove ?? false {
            try? await remove(id, force: true, removeVolumes: true)
        } else if RestartPolicy.shouldRestart(record.hostConfig.RestartPolicy, exitCode: Int(exit.exitCode),
                                              restarts: record.restartCount ?? 0,
                                              manuallyStopped: record.manuallyStopped ?? false) {
            // As dockerd: "restarting" (inspected as running) through the back-off, which doubles from 100 ms
            // to a minute and starts again from 100 ms after a run of 10 s or more.
            record.restartCount = (record.restartCount ?? 0) + 1
            record.state.Status = "restarting"
            record.state.Restarting = true
            save(record)
            let ran = RFC3339Seconds.parse(record.state.FinishedAt) - RFC3339Seconds.parse(record.state.StartedAt)
            let streak = ran >= RestartPolicy.resetAfterSeconds ? 1 : (restartStreaks[id] ?? 0) + 1
            restartStreaks[id] = streak
            let delay = RestartPolicy.delay(restarts: streak)
            Task {
                try? await Task.sleep(nanoseconds: delay)
                await self.restartByPolicy(id)
            }
        }
    }

    /// What the supervisor wrote to `exit.json`, nil when it has not (yet).
    func recordedExit(_ id: String) -> ExitStatus? {
        guard let data = FileManager.default.contents(atPath: paths(id).exitStatus) else { return nil }
        return try? JSONDecoder().decode(ExitStatus.self, from: data)
    }

    /// The exit of a container whose supervisor ended without writing one.
    static var supervisorLost: ExitStatus {
        ExitStatus(exitCode: 255, finishedAt: Timestamp.now(), error: "supervisor lost")
    }

    /// Marks a container exited with `status` and saves it; returns the record.
    @discardableResult
    func recordExit(_ id: String, _ status: ExitStatus) -> ContainerRecord? {
        guard var record = records[id] else { return nil }
        record.state.Status = "exited"
        record.state.Running = false
        record.state.Restarting = false
        record.state.Paused = false
        record.state.Pid = 0
        record.state.ExitCode = Int(status.exitCode)
        record.state.OOMKilled = status.oomKilled
        record.state.FinishedAt = status.finishedAt
        save(record)
        return record
    }

    /// Starts a container again for its restart policy, unless it was removed, started or stopped meanwhile.
    func restartByPolicy(_ id: String) async {
        guard let record = records[id], record.state.Restarting, !record.state.Running,
              !(record.manuallyStopped ?? false), policyStarts[id] == nil else { return }
        let starting = Task {
            do {
                _ = try await self.start(id, byPolicy: true)
            } catch {
                self.logger.notice("restart policy: start failed", metadata: ["id": "\(id)", "error": "\(error)"])
                self.endRestarting(id)
            }
        }
        policyStarts[id] = starting
        await starting.value
        policyStarts[id] = nil
    }

    /// Waits for a restart of the policy that is under way (a stop or rm then deals with what it started).
    func settlePolicyStart(_ id: String) async {
        if let starting = policyStarts[id] { await starting.value }
    }

    /// Ends the back-off of a restart policy: the container is exited, as after its last exit.
    func endRestarting(_ id: String) {
        guard var record = records[id], record.state.Restarting else { return }
        record.state.Restarting = false
        record.state.Status = "exited"
        save(record)
    }

    /// Marks a container stopped by the user, so its restart policy leaves it stopped.
    func markManuallyStopped(_ id: String) {
        guard var record = records[id] else { return }
        record.manuallyStopped = true
        save(record)
    }

    func resolveWaiters(_ id: String, exitCode: Int, conditions: Set<WaitCondition>, error: String?) {
        guard let list = waiters[id] else { return }
        var remaining: [(WaitCondition, CheckedContinuation<ContainerWaitResponse, Never>)] = []
        for (condition, continuation) in list {
            if conditions.contains(condition) {
                continuation.resume(returning: ContainerWaitResponse(
                    StatusCode: exitCode, Error: error.map { .init(Message: $0) }))
            } else {
                remaining.append((condition, continuation))
            }
        }
        waiters[id] = remaining.isEmpty ? nil : remaining
    }

    /// `POST /containers/{id}/wait`.
    func wait(_ reference: String, condition: WaitCondition) async throws -> ContainerWaitResponse {
        let record = try find(reference)
        if condition == .notRunning, !record.state.Running {
            return ContainerWaitResponse(StatusCode: record.state.ExitCode, Error: nil)
        }
        return await withCheckedContinuation { continuation in
            waiters[record.id, default: []].append((condition, continuation))
        }
    }

    /// Waits until `id` is no longer running, at most `seconds`; true when it stopped.
    func awaitExit(_ id: String, seconds: Double) async -> Bool {
        await waitUntil(id, seconds: seconds) { !($0.records[id]?.state.Running ?? false) }
    }

    /// `docker kill` (`byUser`: through the API, which marks the container stopped by the user as dockerd does).
    func kill(_ reference: String, signal: Int32, byUser: Bool = false) throws {
        let record = try find(reference)
        guard record.state.Running, record.state.Pid > 0 else { throw ContainerError.notRunning(id: record.id) }
        if Glibc.kill(pid_t(record.state.Pid), signal) != 0, errno != ESRCH {
            throw APIError.internal("kill \(record.state.Pid): \(String(cString: strerror(errno)))")
        }
        if record.state.Paused {
            // A frozen process takes its signal only once thawed.
            try? Cgroups(id: record.id).freeze(false)
            var thawed = record
            thawed.state.Paused = false
            thawed.state.Status = "running"
            save(thawed)
        }
        if byUser { markManuallyStopped(record.id) }
        emit("kill", record, ["signal": String(signal)])
    }

    /// `docker stop`: the stop signal, then SIGKILL after `timeout` seconds. False when it was not running.
    func stop(_ reference: String, timeout: Int?, signal: Int32?) async throws -> Bool {
        var record = try find(reference)
        markManuallyStopped(record.id)  // also between two restarts of its policy
        await settlePolicyStart(record.id)
        record = try find(record.id)
        if record.state.Restarting {
            endRestarting(record.id)
            emit("stop", record)
            return true
        }
        guard record.state.Running else { return false }
        let stopSignal = try signal ?? Signals.parse(record.config.StopSignal ?? "SIGTERM")
        let seconds = timeout ?? record.config.StopTimeout ?? 10
        try? kill(record.id, signal: stopSignal)
        let exitedInTime = seconds >= 0 ? await awaitExit(record.id, seconds: Double(seconds)) : false
        if !exitedInTime {
            try? kill(record.id, signal: SIGKILL)
            _ = await awaitExit(record.id, seconds: 30)
        }
        emit("stop", record)
        return true
    }

    /// `docker rm`: refuses a running container unless forced; removes its directory.
    func remove(_ reference: String, force: Bool, removeVolumes: Bool = false) async throws {
        var record = try find(reference)
        if record.state.Restarting {
            guard force else { throw ContainerError.running(name: record.name) }
            markManuallyStopped(record.id)
            await settlePolicyStart(record.id)
            endRestarting(record.id)
            record = try find(record.id)
        }
        if record.state.Running {
            guard force else { throw ContainerError.running(name: record.name) }
            markManuallyStopped(record.id)
            try? kill(record.id, signal: SIGKILL)
            _ = await awaitExit(record.id, seconds: 30)
        }
        guard records[record.id] != nil else { return }
        await releaseNetworks(record.id)
        records.removeValue(forKey: record.id)
        restartStreaks.removeValue(forKey: record.id)
        changed(record.id)
        for (id, exec) in execs where exec.containerID == record.id { execs.removeValue(forKey: id) }
        let directory = paths(record.id).directory
        try? await Blocking.run { try FileManager.default.removeItem(atPath: directory) }
        resolveWaiters(record.id, exitCode: record.state.ExitCode, conditions: [.removed, .nextExit, .notRunning],
                       error: nil)
        if removeVolumes { await releaseVolumes(of: record) }
        emit("destroy", record)
    }

    // MARK: network events

    /// dockerd's `network connect`/`disconnect` events for each network the container has an endpoint on.
    func publishNetworkEvents(_ action: String, _ id: String, endpoints given: [EndpointRecord]? = nil) async {
        guard let networks else { return }
        let endpoints: [EndpointRecord]
        if let given { endpoints = given } else { endpoints = await networks.endpoints(of: id) }
        for endpoint in endpoints {
            guard let network = await networks.network(id: endpoint.networkID) else { continue }
            events.publish(type: "network", action: action, id: network.id,
                           attributes: ["container": id, "name": network.name, "type": network.driver])
        }
    }

    /// Unplugs the container from its networks and says so (`network disconnect`), as dockerd does at die and rm.
    func releaseNetworks(_ id: String) async {
        guard let networks else { return }
        let endpoints = await networks.endpoints(of: id)
        await networks.release(id)
        await publishNetworkEvents("disconnect", id, endpoints: endpoints)
    }

    // MARK: attach

    func beginAttach(_ id: String) { attaching[id, default: 0] += 1 }
    func endAttach(_ id: String) {
        attaching[id, default: 1] -= 1
        changed(id)
    }

    /// Waits (up to 60 s) until the container's supervisor is up; nil when it is gone.
    func awaitSupervisor(_ id: String) async -> String? {
        _ = await waitUntil(id, seconds: 60) { store in
            guard let record = store.records[id] else { return true }
            return store.shimReady.contains(id) || record.state.Status == "exited" || !record.state.Error.isEmpty
        }
        return shimReady.contains(id) && records[id] != nil ? paths(id).socket : nil
    }

    func socketIfRunning(_ id: String) -> String? {
        shimReady.contains(id) ? paths(id).socket : nil
    }

    // MARK: exec

    func createExec(_ reference: String, request: ExecCreateRequest) throws -> String {
        let record = try find(reference)
        guard record.state.Running else { throw ContainerError.notRunning(id: record.id) }
        guard !(request.Cmd ?? []).isEmpty else { throw APIError.invalidArgument("No exec command specified") }
        let id = EngineNaming.randomID()
        execs[id] = ExecRecord(id: id, containerID: record.id, request: request)
        return id
    }

    func exec(_ id: String) throws -> ExecRecord {
        guard let exec = execs[id] else { throw ContainerError.noSuchExec(id) }
        return exec
    }

    func updateExec(_ id: String, _ change: (inout ExecRecord) -> Void) {
        guard var exec = execs[id] else { return }
        change(&exec)
        execs[id] = exec
    }

    /// The process of an exec, with the container's environment under the exec's.
    func execProcess(_ exec: ExecRecord, tty: Bool, framed: Bool? = nil) throws -> (socket: String, process: ProcessSpec) {
        let record = try find(exec.containerID)
        guard record.state.Running, let socket = socketIfRunning(record.id) else {
            throw ContainerError.notRunning(id: record.id)
        }
        var env = record.config.Env ?? []
        for entry in exec.request.Env ?? [] {
            let key = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            env.removeAll { $0.hasPrefix(key + "=") }
            env.append(entry)
        }
        let (uid, gid, groups) = try Self.identity(exec.request.User?.isEmpty ?? true ? record.config.User : exec.request.User,
                                                   groupAdd: record.hostConfig.GroupAdd ?? [],
                                                   roots: ["/proc/\(record.state.Pid)/root"])
        let cwd = exec.request.WorkingDir.flatMap { $0.isEmpty ? nil : $0 } ?? record.config.WorkingDir ?? "/"
        var process = ProcessSpec(args: exec.request.Cmd ?? [], env: env, cwd: cwd.isEmpty ? "/" : cwd, uid: uid,
                                  gid: gid, tty: tty, openStdin: exec.request.AttachStdin ?? false,
                                  stdinOnce: true, groups: groups)
        // an exec has the container's capabilities (all with `exec --privileged`) and limits
        process.capabilities = exec.request.Privileged == true ? Capabilities.all : try Self.capabilities(record.hostConfig)
        process.rlimits = try Self.rlimits(record.hostConfig)
        process.framed = framed
        return (socket, process)
    }

    func execStatus(_ exec: ExecRecord) -> ExitStatus? {
        let path = paths(exec.containerID).execStatus(exec.id)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ExitStatus.self, from: data)
    }
}
