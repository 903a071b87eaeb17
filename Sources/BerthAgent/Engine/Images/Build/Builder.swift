#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthImageFormat
import BerthRuntime
import Glibc

/// Runs the steps of one Dockerfile: every step commits an image; ADD, COPY and RUN add a layer, the others
/// change the config only. Intermediate images are forgotten at the end; their layers stay with the result.
final class Builder: @unchecked Sendable {
    typealias Emit = (String) async -> Void

    let context: EngineContext
    let options: BuildOptions
    let buildContext: BuildContext
    let lex: ShellLex
    let instructions: [DockerfileInstruction]

    private var imageID: String?
    private var image = ImageConfig(architecture: "amd64", os: "linux", created: "", comment: nil, config: nil,
                                    rootfs: .init(type: "layers", diff_ids: []), history: [])
    /// ARGs declared in the current stage (name → value, nil when unset).
    private var args: [String: String?] = [:]
    /// ARGs declared before the first FROM.
    private var globalArgs: [String: String?] = [:]
    private var usedBuildArgs: Set<String> = []
    private var cmdSet = false
    private var shell = ["/bin/sh", "-c"]
    private var intermediates: [String] = []
    /// The cache key of the last step (its chain starts at FROM), nil before the first FROM.
    private var cacheChain: String?
    private var emit: Emit = { _ in }
    /// The base image's ONBUILD triggers, run right after its FROM (and not handed on to the result).
    private var pendingTriggers: [String] = []

    /// Multi-stage builds: the image each finished stage ended with, by its `AS` name (lower case) and by its index.
    private var stages: [String: String] = [:]
    private var stageCount = 0
    private var stageName: String?
    /// Root filesystems of images that `COPY --from` read, as build contexts, by image ID.
    private var imageContexts: [String: BuildContext] = [:]

    /// The configs of the `--cache-from` images that exist (nil: no `--cache-from`, the whole cache may serve).
    private var cacheSources: [ImageConfig]?

    struct Failure: Error {
        var message: String
        var code: Int?
    }

    init(context: EngineContext, options: BuildOptions, buildContext: BuildContext, escape: Character,
         instructions: [DockerfileInstruction]) {
        self.context = context
        self.options = options
        self.buildContext = buildContext
        self.lex = ShellLex(escape: escape)
        self.instructions = instructions
    }

    var images: ImageStore { context.images }
    var config: ContainerConfig {
        get { image.config ?? ContainerConfig() }
        set { image.config = newValue }
    }

    func say(_ text: String) async {
        if !options.quiet { await emit(BuildMessage.stream(text)) }
    }

    /// Runs the build, writing docker's JSON messages through `emit`.
    func run(emit: @escaping Emit) async {
        self.emit = emit
        if !options.cacheFrom.isEmpty {
            var sources: [ImageConfig] = []
            for name in options.cacheFrom {
                if let id = try? await images.resolve(name), let config = try? await images.config(of: id) { sources.append(config) }
            }
            cacheSources = sources
        }
        do {
            let total = instructions.count
            var reachedTarget = false
            for (index, instruction) in instructions.enumerated() {
                if instruction.keyword == "FROM" {
                    endStage()
                    // --target: the build ends with the stage of that name
                    if let target = options.target, stageCount > 0, stageName == target.lowercased() {
                        reachedTarget = true
                        break
                    }
                    stageName = try Self.stageName(instruction)
                    stageCount += 1
                }
                await say("Step \(index + 1)/\(total) : \(instruction.original)\n")
                try await cachedStep(instruction)
            }
            if let target = options.target, !reachedTarget, stageName != target.lowercased() {
                throw Failure(message: "failed to reach build target \(target) in Dockerfile")
            }
            // `FROM scratch` alone makes no image, unless --label gives it something to hold (as dockerd)
            guard imageID != nil || !options.labels.isEmpty else {
                throw Failure(message: "No image was generated. Is your Dockerfile empty?")
            }
            var id = imageID ?? ""
            if !options.labels.isEmpty {
                var c = config
                c.Labels = (c.Labels ?? [:]).merging(options.labels) { $1 }
                config = c
                id = try await commit(createdBy: nil, layer: nil)
            }
            let unused = Set(options.buildArgs.keys).subtracting(usedBuildArgs).subtracting(Self.predefinedArgs)
            if !unused.isEmpty {
                await say("[Warning] One or more build-args [\(unused.sorted().joined(separator: " "))] were not consumed\n")
            }
            intermediates.removeAll { $0 == id }
            await emit(BuildMessage.aux(id: id))
            await say("Successfully built \(id.dropFirst(7).prefix(12))\n")
            for tag in options.tags {
                try await images.setReference(tag, to: id)
                await say("Successfully tagged \(tag)\n")
            }
            // with -q the only output is the ID, which the CLI prints
            if options.quiet { await emit(BuildMessage.stream(id + "\n")) }
        } catch let failure as Failure {
            await emit(BuildMessage.error(failure.message, code: failure.code))
        } catch let error as DockerfileError {
            await emit(BuildMessage.error(error.message))
        } catch {
            await emit(BuildMessage.error(APIError(from: error).message))
        }
        for id in intermediates { await images.forget(id) }
    }

    // MARK: stages

    /// The `AS` name of a FROM (lower case), nil without one.
    static func stageName(_ instruction: DockerfileInstruction) throws -> String? {
        let words = instruction.rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard words.count == 3, words[1].lowercased() == "as" else { return nil }
        let name = words[2].lowercased()
        guard name.first?.isLetter == true, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw DockerfileError("invalid name for build stage: \"\(words[2])\", name can't start with a number or contain symbols")
        }
        return name
    }

    /// Records the stage that ends here (at a FROM, or at the end of the Dockerfile).
    func endStage() {
        if stageCount > 0, let imageID {
            stages[String(stageCount - 1)] = imageID
            if let stageName { stages[stageName] = imageID }
        }
    }

    /// The files `COPY --from=SOURCE` reads: a stage (by name or index) or an image, its layers copied out once.
    func context(from source: String) async throws -> BuildContext {
        let id: String
        if let stage = stages[source.lowercased()] {
            id = stage
        } else if let image = try? await images.resolve(source) {
            id = image
        } else {
            throw Failure(message: "invalid from flag value \(source): no stage or image of that name (berthd pulls no images during builds)")
        }
        if let known = imageContexts[id] { return known }
        let layers = try await images.layerDirectories(of: id)
        let scratch = context.configuration.dataRoot + "/tmp/build-from-" + String(id.dropFirst(7).prefix(12))
            + "-\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)  // concurrent builds do not meet
        let tar: [UInt8] = try await Blocking.run {
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            try? FileManager.default.removeItem(atPath: scratch)
            try LayerCopier.materialise(layers: layers, into: scratch)
            var bytes: [UInt8] = []
            try LayerPacker.pack(scratch, as: ".", overlayWhiteouts: false) { bytes += $0 }
            return bytes
        }
        let built = try BuildContext(tar: tar, dockerfile: "")
        imageContexts[id] = built
        return built
    }

    /// Where COPY/ADD read their sources: the build context, or another stage or image with `--from`.
    func sourceContext(_ instruction: DockerfileInstruction) async throws -> BuildContext {
        guard let from = instruction.flags["from"] else { return buildContext }
        guard instruction.keyword == "COPY" else { throw DockerfileError("ADD does not support the --from flag") }
        return try await context(from: try lex.processWord(from, env: substitution))
    }

    static let predefinedArgs: Set<String> = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
                                              "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]

    // MARK: environment

    /// The variables for substitution: ARG values under ENV values.
    var substitution: [String: String] {
        var env: [String: String] = [:]
        for (k, v) in args { if let v { env[k] = v } }
        for entry in config.Env ?? [] {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            env[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return env
    }

    func words(_ instruction: DockerfileInstruction) throws -> [String] {
        if let json = instruction.json { return try json.map { try lex.processWord($0, env: substitution) } }
        return try lex.processWords(instruction.rest, env: substitution)
    }

    func command(_ instruction: DockerfileInstruction) -> [String] {
        instruction.json ?? (shell + [instruction.rest])
    }

    // MARK: cache

    /// Steps whose result only their keyword changes (not the file system): on a hit their builder state (CMD seen,
    /// SHELL) still has to follow.
    static let layerSteps: Set<String> = ["RUN", "COPY", "ADD", "WORKDIR"]

    /// Runs a step, or takes its image from the build cache when the same step ran on the same chain before.
    func cachedStep(_ instruction: DockerfileInstruction) async throws {
        let keyword = instruction.keyword
        if keyword == "FROM" {
            try await step(instruction)
            cacheChain = ImageStore.buildCacheKey(["FROM", imageID ?? "scratch"])
            let triggers = pendingTriggers
            pendingTriggers = []
            if !triggers.isEmpty {
                await say("# Executing \(triggers.count) build trigger\(triggers.count == 1 ? "" : "s")\n")
                for trigger in triggers { try await cachedStep(try Dockerfile.trigger(trigger)) }
            }
            return
        }
        guard let chain = cacheChain else { return try await step(instruction) }
        if keyword == "ARG" {  // changes what later steps see: part of the chain, never a hit of its own
            try await step(instruction)
            cacheChain = ImageStore.buildCacheKey([chain, instruction.original])
            return
        }
        var parts = [chain, instruction.original] + argsForKey(instruction)
        if keyword == "COPY" || keyword == "ADD" {
            guard let source = try? await sourceContext(instruction),
                  let sources = try? copySourcesDigest(instruction, context: source) else { return try await step(instruction) }
            parts.append(sources)
        }
        let key = ImageStore.buildCacheKey(parts)
        cacheChain = key
        if !options.noCache, let id = await images.cachedStep(key), let cached = try? await images.config(of: id),
           cacheServes(cached) {
            if !Self.layerSteps.contains(keyword) { try configStep(instruction) }
            image = cached
            imageID = id
            if !intermediates.contains(id) { intermediates.append(id) }
            await say(" ---> Using cache\n")
            await say(" ---> \(short(id))\n")
            return
        }
        let before = imageID
        try await step(instruction)
        if let id = imageID, id != before { await images.recordStep(key, image: id) }
    }

    /// Whether a cached step image may be used: always without `--cache-from`; with it, only when one of those
    /// images was built through it (its layers and history begin with the step's), as the classic builder
    /// takes its cache from those images alone.
    func cacheServes(_ cached: ImageConfig) -> Bool {
        guard let sources = cacheSources else { return true }
        let history = cached.history ?? []
        return sources.contains { source in
            source.rootfs.diff_ids.starts(with: cached.rootfs.diff_ids)
                && (source.history ?? []).count >= history.count
                && zip(source.history ?? [], history).allSatisfy { $0.created_by == $1.created_by }
        }
    }

    /// The ARG values a step depends on, sorted: all of them for RUN (its environment has them), else those its
    /// text names (`$NAME`, `${NAME}`), as dockerd keys only on what changes the result.
    func argsForKey(_ instruction: DockerfileInstruction) -> [String] {
        let text = instruction.original
        return args.compactMap { name, value -> String? in
            guard let value else { return nil }
            let named = text.contains("$" + name) || text.contains("${" + name)
            return instruction.keyword == "RUN" || named ? "\(name)=\(value)" : nil
        }.sorted()
    }

    /// What COPY/ADD would copy, as one digest: each member's path, type, mode, owner, link and content.
    func copySourcesDigest(_ instruction: DockerfileInstruction, context buildContext: BuildContext) throws -> String {
        let parts = try words(instruction)
        guard parts.count >= 2 else { throw DockerfileError("\(instruction.keyword) requires at least two arguments") }
        var lines: [String] = []
        for pattern in parts.dropLast() {
            for source in try buildContext.sources(pattern, instruction: instruction.keyword) {
                var members: [(String, BuildContext.File)] = []
                if let file = buildContext.files[source] { members.append((source, file)) }
                if buildContext.isDirectory(source) {
                    members += buildContext.contents(of: source).map { (source + "/" + $0.0, $0.1) }
                }
                for (path, file) in members {
                    let e = file.entry
                    lines.append("\(path) \(e.type) \(e.mode) \(e.uid):\(e.gid) \(e.linkName) "
                        + SHA256Digest.hex(of: Data(file.data)))
                }
            }
        }
        return ImageStore.buildCacheKey(lines)
    }

    // MARK: steps

    func step(_ instruction: DockerfileInstruction) async throws {
        let keyword = instruction.keyword
        switch keyword {
        case "FROM": try await from(instruction)
        case "ARG": try await arg(instruction)
        case "RUN": try await runStep(instruction)
        case "ADD", "COPY": try await copy(instruction)
        case "WORKDIR":
            try configStep(instruction)
            let createdBy = "/bin/sh -c #(nop) WORKDIR " + (config.WorkingDir ?? "/")
            let layer = try await workdirLayer()
            let id = try await commit(createdBy: createdBy, layer: layer)
            await say(" ---> \(short(id))\n")
        default:
            try configStep(instruction)
            let id = try await commit(createdBy: "/bin/sh -c #(nop) " + (keyword == "CMD" || keyword == "ENTRYPOINT"
                ? " \(keyword) \(jsonText(command(instruction)))" : " " + instruction.original), layer: nil)
            await say(" ---> \(short(id))\n")
        }
    }

    func from(_ instruction: DockerfileInstruction) async throws {
        var env: [String: String] = [:]
        for (k, v) in globalArgs { if let v { env[k] = v } }
        let parts = try lex.processWords(instruction.rest, env: env)
        guard let name = parts.first, parts.count == 1 || (parts.count == 3 && parts[1].lowercased() == "as") else {
            throw DockerfileError("FROM requires either one or three arguments")
        }
        args = [:]
        cmdSet = false
        shell = ["/bin/sh", "-c"]
        if name == "scratch" {
            imageID = nil
            image = ImageConfig(architecture: "amd64", os: "linux", created: Timestamp.now(), comment: nil,
                                config: ContainerConfig(), rootfs: .init(type: "layers", diff_ids: []), history: [])
            var c = ContainerConfig()
            c.Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
            config = c
            await say(" ---> \n")
            return
        }
        let id: String
        do {
            if let stage = stages[name.lowercased()] { id = stage } else { id = try await images.resolve(name) }
        } catch {
            let shown = ImageReference(parsing: name)?.description ?? name
            throw Failure(message: "pull access denied for \(shown.split(separator: ":").first ?? ""), repository does not "
                + "exist or may require 'docker login': no registry is reachable from this host; use docker load or docker import")
        }
        imageID = id
        image = try await images.config(of: id)
        image.comment = nil
        pendingTriggers = config.OnBuild ?? []
        if !pendingTriggers.isEmpty {
            var c = config
            c.OnBuild = nil
            config = c
        }
        await say(" ---> \(short(id))\n")
    }

    func arg(_ instruction: DockerfileInstruction) async throws {
        let raw = lex.rawWords(instruction.rest)
        guard !raw.isEmpty else { throw DockerfileError("ARG requires at least one argument") }
        for word in raw {
            var name = word
            var value: String?
            if let eq = word.firstIndex(of: "=") {
                name = String(word[..<eq])
                value = try lex.processWord(String(word[word.index(after: eq)...]), env: substitution)
            }
            if let given = options.buildArgs[name] {
                value = given ?? value
                usedBuildArgs.insert(name)
            } else if Self.predefinedArgs.contains(name) == false, value == nil, let global = globalArgs[name] {
                value = global
            }
            if imageID == nil && image.rootfs.diff_ids.isEmpty && image.created.isEmpty {
                globalArgs[name] = value
            } else {
                args[name] = value
            }
        }
        if !image.created.isEmpty {
            let id = try await commit(createdBy: "/bin/sh -c #(nop)  " + instruction.original, layer: nil)
            await say(" ---> \(short(id))\n")
        }
    }

    func configStep(_ instruction: DockerfileInstruction) throws {
        var c = config
        let env = substitution
        switch instruction.keyword {
        case "ENV":
            for (key, value) in try lex.keyValues(instruction.rest, env: env, keyword: "ENV") {
                var list = c.Env ?? []
                list.removeAll { $0 == key || $0.hasPrefix(key + "=") }
                list.append(key + "=" + value)
                c.Env = list
                config = c  // later pairs see earlier ones? docker substitutes all with the env before the step
            }
        case "LABEL":
            for (key, value) in try lex.keyValues(instruction.rest, env: env, keyword: "LABEL") {
                var labels = c.Labels ?? [:]
                labels[key] = value
                c.Labels = labels
            }
        case "CMD":
            c.Cmd = command(instruction)
            cmdSet = true
        case "ENTRYPOINT":
            c.Entrypoint = instruction.json ?? (instruction.rest.isEmpty ? nil : shell + [instruction.rest])
            if !cmdSet { c.Cmd = nil }
        case "WORKDIR":
            let path = try lex.processWord(instruction.rest, env: env)
            guard !path.isEmpty else { throw DockerfileError("WORKDIR requires exactly one argument") }
            let base = c.WorkingDir.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
            c.WorkingDir = "/" + TarPath.join(base, path)
            if c.WorkingDir == "/." { c.WorkingDir = "/" }
        case "USER":
            let user = try lex.processWord(instruction.rest, env: env)
            guard !user.isEmpty else { throw DockerfileError("USER requires exactly one argument") }
            c.User = user
        case "VOLUME":
            let paths = try words(instruction)
            guard !paths.isEmpty, !paths.contains(where: \.isEmpty) else {
                throw DockerfileError("VOLUME specified can not be an empty string")
            }
            var volumes = c.Volumes ?? [:]
            for path in paths { volumes[path] = EmptyObject() }
            c.Volumes = volumes
        case "EXPOSE":
            var ports = c.ExposedPorts ?? [:]
            for port in try lex.processWords(instruction.rest, env: env) {
                ports[port.contains("/") ? port.lowercased() : port + "/tcp"] = EmptyObject()
            }
            c.ExposedPorts = ports
        case "HEALTHCHECK":
            c.Healthcheck = try Self.healthcheck(instruction)
        case "STOPSIGNAL":
            c.StopSignal = try lex.processWord(instruction.rest, env: env)
        case "SHELL":
            guard let json = instruction.json, !json.isEmpty else {
                throw DockerfileError("SHELL requires the arguments to be in JSON form")
            }
            shell = json
        case "MAINTAINER":
            break
        case "ONBUILD":
            c.OnBuild = (c.OnBuild ?? []) + [instruction.rest]
        default:
            throw DockerfileError("\(instruction.keyword) is not supported by berthd's builder")
        }
        config = c
    }

    /// `HEALTHCHECK NONE` or `HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--start-interval=D]
    /// [--retries=N] CMD command` (JSON form: `["CMD", …]`, shell form: `["CMD-SHELL", "…"]`).
    static func healthcheck(_ instruction: DockerfileInstruction) throws -> HealthConfig {
        let rest = instruction.rest
        let upper = rest.uppercased()
        if upper == "NONE" {
            guard instruction.flags.isEmpty else { throw DockerfileError("HEALTHCHECK NONE takes no flags") }
            return HealthConfig(Test: ["NONE"])
        }
        guard upper.hasPrefix("CMD ") || upper.hasPrefix("CMD[") || upper.hasPrefix("CMD\t") else {
            throw DockerfileError("Unknown type \"\(rest.split(separator: " ").first ?? "")\" in HEALTHCHECK (try CMD)")
        }
        let command = String(rest.dropFirst(3).drop { $0 == " " || $0 == "\t" })
        guard !command.isEmpty else { throw DockerfileError("Missing command after HEALTHCHECK CMD") }
        var health = HealthConfig()
        if command.hasPrefix("["), let json = Dockerfile.parseJSONStringArray(command) {
            health.Test = ["CMD"] + json
        } else {
            health.Test = ["CMD-SHELL", command]
        }
        for (flag, value) in instruction.flags {
            switch flag {
            case "interval", "timeout", "start-period", "start-interval":
                guard let ns = GoDuration.nanoseconds(value) else {
                    throw DockerfileError("time: invalid duration \"\(value)\" for --\(flag)")
                }
                if flag == "interval" || flag == "timeout" || flag == "start-interval", ns != 0, ns < 1_000_000 {
                    throw DockerfileError("Interval \"\(flag)\" cannot be less than 1ms")
                }
                switch flag {
                case "interval": health.Interval = ns
                case "timeout": health.Timeout = ns
                case "start-period": health.StartPeriod = ns
                default: health.StartInterval = ns
                }
            case "retries":
                guard let n = Int(value), n >= 0 else { throw DockerfileError("--retries must be a number: \(value)") }
                health.Retries = n
            default:
                throw DockerfileError("Unknown flag: \(flag)")
            }
        }
        return health
    }

    // MARK: layers

    func copy(_ instruction: DockerfileInstruction) async throws {
        let keyword = instruction.keyword
        let buildContext = try await sourceContext(instruction)
        let parts = try words(instruction)
        guard parts.count >= 2 else { throw DockerfileError("\(keyword) requires at least two arguments") }
        var sources: [String] = []
        for source in parts.dropLast() {
            if source.contains("://") { throw Failure(message: "\(keyword) from a URL is not supported by berthd's builder") }
            sources += try buildContext.sources(source, instruction: keyword)
        }
        var owner: (uid: Int, gid: Int)?
        if let chown = instruction.flags["chown"] {
            let ids = try lex.processWord(chown, env: substitution).split(separator: ":").map { Int($0) }
            guard let uid = ids.first ?? nil else {
                throw DockerfileError("--chown with user names is not supported by berthd's builder; use numeric IDs")
            }
            owner = (uid, ids.count > 1 ? (ids[1] ?? uid) : uid)
        }
        var mode: UInt32?
        if let chmod = instruction.flags["chmod"] {
            guard let parsed = UInt32(chmod, radix: 8), parsed <= 0o7777 else {
                throw DockerfileError("invalid chmod parameter: \(chmod)")
            }
            mode = parsed
        }
        for flag in instruction.flags.keys where !["chown", "chmod", "from"].contains(flag) {
            throw DockerfileError("Unknown flag: \(flag)")
        }
        let base = imageID
        let store = images
        var lookups: [String: TarEntry?] = [:]
        if let base {
            // what CopyPlan may ask: the destination and its parents
            let dest = TarPath.join(config.WorkingDir.flatMap { $0.isEmpty ? nil : $0 } ?? "/", parts.last!)
            var path = dest
            while path != "." {
                lookups[path] = try await store.lookup(path, in: base)
                path = TarPath.parent(path)
            }
        }
        let entries = try CopyPlan.entries(
            context: buildContext, sources: sources,
            options: .init(destination: parts.last!, workdir: config.WorkingDir ?? "/", owner: owner, mode: mode,
                           extractArchives: keyword == "ADD", now: Int(Date().timeIntervalSince1970)),
            existing: { lookups[$0] ?? nil })
        let diffID = try await storeLayer { sink in
            for (entry, data) in entries {
                try sink.write(TarWriter.header(entry))
                if entry.type == .file { try sink.write(data); try sink.write(TarWriter.padding(data.count)) }
            }
            try sink.write(TarWriter.end)
        }
        let described = sources.count == 1 ? sources[0] : "multi:" + String(diffID.dropFirst(7).prefix(12))
        let id = try await commit(createdBy: "/bin/sh -c #(nop) \(keyword) \(described) in \(parts.last!) ", layer: diffID)
        await say(" ---> \(short(id))\n")
    }

    /// A layer creating the working directory when the image lacks it (the runtime cannot enter a missing one).
    func workdirLayer() async throws -> String? {
        let dir = TarEntry.clean(config.WorkingDir ?? "/")
        guard dir != "." else { return nil }
        var missing: [TarEntry] = []
        var path = dir
        let now = Int(Date().timeIntervalSince1970)
        while path != "." {
            if let base = imageID, let found = try await images.lookup(path, in: base) {
                if found.type != .directory {
                    throw Failure(message: "cannot create working directory \(config.WorkingDir ?? ""): not a directory")
                }
                break
            }
            missing.insert(TarEntry(path: path, type: .directory, mode: 0o755, mtime: now), at: 0)
            path = TarPath.parent(path)
        }
        guard !missing.isEmpty else { return nil }
        let entries = missing
        return try await storeLayer { sink in
            for entry in entries { try sink.write(TarWriter.header(entry)) }
            try sink.write(TarWriter.end)
        }
    }

    /// Writes a layer tar through `produce` into a temporary file and stores it.
    func storeLayer(_ produce: @escaping @Sendable (FileSink) throws -> Void) async throws -> String {
        let tmp = context.configuration.dataRoot + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let path = tmp + "/layer-\(UUID().uuidString).tar"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await Blocking.run {
            let sink = try FileSink(path: path)
            do { try produce(sink) } catch { try? sink.close(); throw error }
            try sink.close()
        }
        return try await images.storeLayer(tarPath: path)
    }

    func runStep(_ instruction: DockerfileInstruction) async throws {
        guard let base = imageID else { throw Failure(message: "RUN needs a base image with a shell (FROM scratch has none)") }
        guard context.storageDriver != .vfs else {
            throw Failure(message: "RUN is not supported with the vfs storage driver (it needs overlay2)")
        }
        let args = command(instruction)
        var env = config.Env ?? []
        for (name, value) in self.args {
            guard let value, !env.contains(where: { $0.hasPrefix(name + "=") }) else { continue }
            env.append(name + "=" + value)
        }
        var runConfig = config
        runConfig.Image = base
        runConfig.Cmd = args
        runConfig.Entrypoint = []
        runConfig.Env = env
        runConfig.Tty = false
        runConfig.OpenStdin = false
        runConfig.AttachStdout = true
        runConfig.AttachStderr = true
        let containers = context.containers
        var hostConfig = HostConfig()
        hostConfig.ExtraHosts = options.extraHosts.isEmpty ? nil : options.extraHosts
        hostConfig.NetworkMode = options.networkMode
        let containerID = try await containers.create(name: nil, request: ContainerCreateRequest(config: runConfig,
                                                                                                 hostConfig: hostConfig))
        await say(" ---> Running in \(containerID.prefix(12))\n")
        var removeContainer = options.remove || options.forceRemove
        defer {
            if removeContainer {
                Task { try? await containers.remove(containerID, force: true) }
            }
        }
        let logPath = await containers.paths(containerID).log
        var offset = 0
        var partial: [UInt8] = []
        func pump() async {
            guard let data = FileManager.default.contents(atPath: logPath), data.count > offset else { return }
            partial += data[offset...]
            offset = data.count
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(partial[..<newline])
                partial.removeSubrange(...newline)
                guard let entry = try? JSONDecoder().decode(LogEntry.self, from: Data(line)) else { continue }
                // dockerd's legacy builder colours what a step writes to stderr (bright red, then reset)
                await say(entry.stream == "stderr" ? "\u{1b}[91m" + entry.log + "\u{1b}[0m" : entry.log)
            }
        }
        let exitCode: Int
        do {
            _ = try await containers.start(containerID)
            let waiter = Task { try await containers.wait(containerID, condition: .notRunning) }
            while true {
                await pump()
                if !((try? await containers.find(containerID))?.state.Running ?? false) { break }
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
            exitCode = try await waiter.value.StatusCode
            await pump()
        } catch {
            removeContainer = options.forceRemove || options.remove
            throw Failure(message: "The command '\(args.joined(separator: " "))' could not be started: \(APIError(from: error).message)",
                          code: 126)
        }
        if exitCode != 0 {
            removeContainer = options.forceRemove
            if !removeContainer { intermediates.removeAll { $0 == base } }  // the kept container needs its image
            throw Failure(message: "The command '\(args.joined(separator: " "))' returned a non-zero code: \(exitCode)",
                          code: exitCode)
        }
        let upper = await containers.paths(containerID).upper
        let diffID = try await storeLayer { sink in
            try LayerPacker.pack(upper, as: ".", overlayWhiteouts: true, skip: Self.runtimeMountPoints(upper)) {
                try sink.write($0)
            }
        }
        if removeContainer {
            await say("Removing intermediate container \(containerID.prefix(12))\n")
            try? await containers.remove(containerID, force: true)
            removeContainer = false
        }
        let createdBy = instruction.json.map { "|0 " + $0.joined(separator: " ") } ?? (shell.joined(separator: " ") + " " + instruction.rest)
        let id = try await commit(createdBy: createdBy, layer: diffID)
        await say(" ---> \(short(id))\n")
    }

    /// Empty `/proc`, `/dev` and `/sys` the runtime created as mount points: not part of the layer.
    static func runtimeMountPoints(_ upper: String) -> Set<String> {
        var skip: Set<String> = []
        for name in ["proc", "dev", "sys"] {
            let contents = try? FileManager.default.contentsOfDirectory(atPath: upper + "/" + name)
            if let contents, contents.isEmpty { skip.insert(name) }
        }
        return skip
    }

    // MARK: commit

    func commit(createdBy: String?, layer: String?) async throws -> String {
        let now = Timestamp.now()
        image.created = now
        if let layer { image.rootfs.diff_ids.append(layer) }
        if let createdBy {
            image.history = (image.history ?? []) + [.init(created: now, created_by: createdBy, comment: nil,
                                                           empty_layer: layer == nil ? true : nil)]
        }
        let id = try await images.addImage(config: image)
        await images.setParent(imageID, of: id)
        if !intermediates.contains(id) { intermediates.append(id) }
        imageID = id
        return id
    }

    func short(_ id: String) -> String { String(id.dropFirst(7).prefix(12)) }

    func jsonText(_ list: [String]) -> String {
        "[" + list.map { BuildMessage.quote($0) }.joined(separator: " ") + "]"
    }
}

extension ContainerCreateRequest {
    init(config: ContainerConfig, hostConfig: HostConfig) {
        self.config = config
        self.hostConfig = hostConfig
    }
}
