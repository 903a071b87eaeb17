#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthKernel
import BerthRuntime
import Logging

/// The containers of this engine: records under `<dataRoot>/containers/<id>/container.json`, their supervisors,
/// exec instances and waiters. Loaded lazily, so building a context touches no disk.
public actor ContainerStore {
    let dataRoot: String
    let images: ImageStore
    let logger: Logger
    /// Named and anonymous volumes (see ContainerStore+Volumes).
    let volumes: VolumeStore
    /// Networks, endpoints and sandboxes; nil: containers get loopback only.
    let networks: NetworkStore?
    /// The agent binary, re-executed as `berthd shim <dir>`.
    let shimBinary: String
    /// overlay2 stacks the image's layers per container; vfs copies them into the container's rootfs.
    let storageDriver: StorageDriver
    /// Where container events go (`GET /events`).
    nonisolated let events: EngineEventLog
    /// Mounts made outside containers (a stopped container's filesystem for `docker cp`).
    nonisolated let mounts: any Mounts
    var records: [String: ContainerRecord] = [:]
    var loaded = false
    /// Attach requests waiting for a container's supervisor, which start holds back for.
    var attaching: [String: Int] = [:]
    var shimReady: Set<String> = [] { didSet { for id in shimReady.symmetricDifference(oldValue) { changed(id) } } }
    /// Tasks waiting for a container's next change (``changed(_:)``), each with its token.
    var changeWaiters: [String: [(UInt64, CheckedContinuation<Void, Never>)]] = [:]
    var changeTokens: UInt64 = 0
    var waiters: [String: [(WaitCondition, CheckedContinuation<ContainerWaitResponse, Never>)]] = [:]
    var execs: [String: ExecRecord] = [:]
    var monitored: Set<String> = []
    /// Restarts in a row of each container under a restart policy, for its back-off (not persisted, as dockerd).
    var restartStreaks: [String: Int] = [:]
    /// Restarts of a restart policy under way.
    var policyStarts: [String: Task<Void, Never>] = [:]
    /// The healthcheck loop of each running container that has one.
    var healthTasks: [String: Task<Void, Never>] = [:]
    /// The restore of networks after loading; containers start at boot only once it is done.
    var networksRestored: Task<Void, Never>?

    public init(dataRoot: String, images: ImageStore, logger: Logger, volumes: VolumeStore? = nil,
                networks: NetworkStore? = nil, shimBinary: String = "/proc/self/exe",
                storageDriver: StorageDriver = .overlay2, events: EngineEventLog = EngineEventLog(),
                mounts: any Mounts = SystemMounts()) {
        self.storageDriver = storageDriver
        self.mounts = mounts
        self.events = events
        self.dataRoot = dataRoot
        self.volumes = volumes ?? VolumeStore(dataRoot: dataRoot)
        self.images = images
        self.logger = logger
        self.networks = networks
        self.shimBinary = shimBinary
    }

    var containersDirectory: String { dataRoot + "/containers" }
    func paths(_ id: String) -> ContainerPaths { ContainerPaths(directory: containersDirectory + "/" + id) }

    /// Loads the records and reconnects to the supervisors of running containers. A container whose supervisor is
    /// gone (the host went down, or it ended while the agent was away) gets the exit its supervisor wrote.
    func loadIfNeeded() {
        guard !loaded else { return }
        loaded = true
        let fm = FileManager.default
        try? fm.createDirectory(atPath: containersDirectory, withIntermediateDirectories: true)
        for id in (try? fm.contentsOfDirectory(atPath: containersDirectory)) ?? [] {
            guard let data = fm.contents(atPath: containersDirectory + "/\(id)/container.json"),
                  let record = try? JSONDecoder().decode(ContainerRecord.self, from: data) else { continue }
            records[record.id] = record
            guard record.state.Running else { continue }
            if ShimLauncher.canConnect(paths(record.id).socket) {
                shimReady.insert(record.id)
                monitor(record.id)
                startHealthcheck(record.id)
            } else {
                recordExit(record.id, recordedExit(record.id) ?? Self.supervisorLost)
            }
        }
        if let networks {
            let running = Set(records.values.filter(\.state.Running).map(\.id))
            networksRestored = Task { await networks.restore(running: running) }
        }
    }

    /// Called once when the agent starts: reconnects without waiting for the first request, then starts what the
    /// restart policies start at boot (see ContainerStore+Boot).
    public func recover() async {
        loadIfNeeded()
        await networksRestored?.value
        await startAtBoot()
    }

    func save(_ record: ContainerRecord) {
        records[record.id] = record
        changed(record.id)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { return }
        do {
            try FileManager.default.createDirectory(atPath: paths(record.id).directory,
                                                    withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: paths(record.id).directory + "/container.json"), options: .atomic)
        } catch {
            logger.error("cannot save container", metadata: ["id": "\(record.id)", "error": "\(error)"])
        }
    }

    /// A container by full ID, name (with or without `/`) or unique ID prefix.
    func find(_ reference: String) throws -> ContainerRecord {
        loadIfNeeded()
        if let record = records[reference] { return record }
        let name = reference.hasPrefix("/") ? String(reference.dropFirst()) : reference
        if let record = records.values.first(where: { $0.name == name }) { return record }
        let matches = records.keys.filter { $0.hasPrefix(reference) }
        if !reference.isEmpty, matches.count == 1, let record = records[matches[0]] { return record }
        throw ContainerError.noSuchContainer(reference)
    }

    public var counts: (running: Int, stopped: Int) {
        loadIfNeeded()
        let running = records.values.filter(\.state.Running).count
        return (running, records.count - running)
    }

    /// How many containers use each image.
    public func imageUseCounts() -> [String: Int] {
        loadIfNeeded()
        return records.values.reduce(into: [:]) { $0[$1.imageID, default: 0] += 1 }
    }

    /// For each image in use, one container using it.
    public func imageUsers() -> [String: String] {
        loadIfNeeded()
        return records.values.reduce(into: [:]) { $0[$1.imageID] = $1.id }
    }

    // MARK: create

    /// The log drivers dockerd ships; berthd writes json-file logs whatever is asked, but an unknown name is refused
    /// at create as dockerd refuses it.
    static let logDrivers: Set<String> = ["", "json-file", "local", "none", "journald", "syslog", "gelf", "fluentd",
                                          "awslogs", "splunk", "etwlogs", "gcplogs", "logentries"]

    func create(name requested: String?, request: ContainerCreateRequest) async throws -> String {
        loadIfNeeded()
        if let driver = request.hostConfig.LogConfig?.Type, !Self.logDrivers.contains(driver) {
            throw APIError.invalidArgument("logger: no log driver named '\(driver)' is registered")
        }
        let imageName = request.config.Image ?? ""
        let imageID: String
        do {
            imageID = try await images.resolve(imageName)
        } catch {
            let shown = ImageReference(parsing: imageName)?.description ?? imageName
            throw ImageStoreError.noSuchImage(shown)
        }
        try RestartPolicy.validate(request.hostConfig.RestartPolicy)
        do {
            for entry in request.hostConfig.ExtraHosts ?? [] {
                _ = try SandboxFiles.extraHostLine(entry, gateway: IPv4Address("0.0.0.0"))  // host-gateway: at start
            }
        } catch let error as BerthError {
            throw APIError.invalidArgument(error.description)
        }
        try validateLinks(request.hostConfig.Links)
        try Self.validatePrivileges(request.hostConfig)
        let image = try await images.config(of: imageID)
        let id = EngineNaming.randomID()
        let name: String
        if let requested, !requested.isEmpty {
            name = requested.hasPrefix("/") ? String(requested.dropFirst()) : requested
            guard EngineNaming.isValidName(name) else { throw ContainerError.invalidName(name) }
            if let other = records.values.first(where: { $0.name == name }) {
                throw ContainerError.nameInUse(name: name, id: other.id)
            }
        } else {
            name = Self.generatedName(existing: Set(records.values.map(\.name)))
        }
        var config = request.config
        let imageConfig = image.config ?? ContainerConfig()
        let entrypoint = config.Entrypoint ?? imageConfig.Entrypoint ?? []
        let cmd = config.Cmd ?? (config.Entrypoint == nil ? imageConfig.Cmd : nil) ?? []
        let command = entrypoint + cmd
        guard let path = command.first else {
            throw APIError.invalidArgument("no command specified")
        }
        var env = imageConfig.Env ?? []
        for entry in config.Env ?? [] {
            let key = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            env.removeAll { $0 == key || $0.hasPrefix(key + "=") }
            env.append(entry)
        }
        if !env.contains(where: { $0.hasPrefix("PATH=") }) {
            env.insert("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", at: 0)
        }
        config.Env = env
        if config.Hostname?.isEmpty ?? true { config.Hostname = String(id.prefix(12)) }
        if config.WorkingDir?.isEmpty ?? true { config.WorkingDir = imageConfig.WorkingDir }
        if config.User?.isEmpty ?? true { config.User = imageConfig.User }
        config.Cmd = cmd
        config.Entrypoint = config.Entrypoint ?? imageConfig.Entrypoint
        config.Healthcheck = HealthConfig.merged(container: config.Healthcheck, image: imageConfig.Healthcheck)
        var hostConfig = request.hostConfig
        let (mode, networking) = try await resolveNetwork(request, config: &config)
        hostConfig.NetworkMode = mode
        let (mounts, copyUp): ([MountPoint], [MountPoint])
        do {
            (mounts, copyUp) = try await resolveMounts(config: config, hostConfig: request.hostConfig,
                                                       imageConfig: imageConfig, containerID: id)
        } catch {
            try? FileManager.default.removeItem(atPath: paths(id).directory)  // image mounts copied before the failure
            throw error
        }
        if let volumes = imageConfig.Volumes { config.Volumes = (config.Volumes ?? [:]).merging(volumes) { a, _ in a } }
        var record = ContainerRecord(id: id, name: name, created: Timestamp.now(), imageID: imageID,
                                     imageName: imageName, config: config, hostConfig: hostConfig, path: path,
                                     args: Array(command.dropFirst()))
        record.mounts = mounts.isEmpty ? nil : mounts
        record.networkingConfig = networking
        save(record)
        do {
            try await copyRootfsIfNeeded(record)
            try await copyImageData(into: copyUp, containerID: id, imageID: imageID)
        } catch {
            try? await remove(id, force: true, removeVolumes: true)
            throw error
        }
        emit("create", record)
        return id
    }

    /// A container event with dockerd's attributes: its labels, `image` and `name`, and `extra`.
    func emit(_ action: String, _ record: ContainerRecord, _ extra: [String: String] = [:]) {
        var attributes = record.config.Labels ?? [:]
        attributes["image"] = record.imageName
        attributes["name"] = record.name
        for (k, v) in extra { attributes[k] = v }
        events.publish(type: "container", action: action, id: record.id, attributes: attributes)
    }

    static func generatedName(existing: Set<String>) -> String {
        let left = ["admiring", "brave", "calm", "eager", "focused", "gifted", "happy", "jolly", "keen", "loving",
                    "nifty", "quirky", "serene", "tender", "vibrant", "zealous"]
        let right = ["albattani", "babbage", "curie", "darwin", "euler", "fermat", "galileo", "hopper", "kepler",
                     "lovelace", "noether", "pascal", "ritchie", "shannon", "turing", "wozniak"]
        while true {
            let name = "\(left.randomElement()!)_\(right.randomElement()!)"
            if !existing.contains(name) { return name }
        }
    }
}
