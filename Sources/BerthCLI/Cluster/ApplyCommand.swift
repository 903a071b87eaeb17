import ArgumentParser
import BerthCluster
import BerthCore
import BerthMachine
import Foundation

/// A cluster file read and checked, with the I/O checks the pure parser leaves to its caller.
struct LoadedClusterFile {
    let path: String
    let spec: ClusterSpec

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BerthError.invalidArgument("\(path): cannot read the cluster file")
        }
        let base = (((path as NSString).expandingTildeInPath as NSString).deletingLastPathComponent as NSString)
        let dir = base.length == 0 ? FileManager.default.currentDirectoryPath
            : (base.isAbsolutePath ? base as String : FileManager.default.currentDirectoryPath + "/" + (base as String))
        let parser = ClusterFileParser(knownDrivers: Drivers.registry.names, environment: ProcessInfo.processInfo.environment)
        do {
            spec = try parser.parse(String(decoding: data, as: UTF8.self), file: path, baseDirectory: dir)
        } catch let e as ClusterFileError {
            throw BerthError.invalidArgument(e.description)
        }
        self.path = path
        for image in spec.images {
            var isDir: ObjCBool = false
            switch image.source {
            case .importTar(let file, _):
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir), !isDir.boolValue else {
                    throw BerthError.invalidArgument(error(image.mark, "images.\(image.name).import: \(file): no such file"))
                }
            case .build(let context, let dockerfile):
                guard FileManager.default.fileExists(atPath: context, isDirectory: &isDir), isDir.boolValue else {
                    throw BerthError.invalidArgument(error(image.mark, "images.\(image.name).build: \(context): no such directory"))
                }
                let df = context + "/" + (dockerfile ?? "Dockerfile")
                guard FileManager.default.fileExists(atPath: df) else {
                    throw BerthError.invalidArgument(error(image.mark, "images.\(image.name).build: \(df): no such file"))
                }
            }
        }
    }

    func error(_ mark: SourceMark?, _ message: String) -> String {
        ClusterFileError(file: path, mark: mark, message: message).description
    }
}

/// `berth apply -f cluster.yml`: makes what the file declares and does not exist, in dependency order.
struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the machines, store, networks, volumes, images and containers a cluster file declares",
        discussion: """
        Prints the plan first, then does only the difference, in order (machines together, then the etcd store, \
        flannel, images, networks, volumes, containers). A second apply of the same file changes nothing. Things \
        that exist but differ from the file are reported as drift, never changed. What apply made is recorded in \
        the store (clusters/NAME.json), so --prune can remove what the file no longer names and `berth destroy -f` \
        what the file made.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The cluster file (YAML)") var file: String
    @Flag(name: .customLong("dry-run"), help: "Print the plan and stop") var dryRun = false
    @Flag(help: "Remove what this file made before and no longer names (not machines)") var prune = false
    @Flag(name: .customLong("prune-machines"), help: "With --prune, remove machines too") var pruneMachines = false
    @Flag(help: "Take things the file names but were made outside it into this file's care") var adopt = false

    func run() throws {
        try guarded {
            let loaded = try LoadedClusterFile(path: file)
            let spec = loaded.spec
            let svc = try global.service()
            let ledgerFile = LedgerFile(store: svc.store, name: spec.name)
            var ledger = try ledgerFile.load(file: file, name: spec.name)
            ledger.file = file
            let options = Planner.Options(adopt: adopt, prune: prune, pruneMachines: pruneMachines)
            let observer = ClusterObserver(global: global, svc: svc)
            let started = Date()
            var plan = Planner.plan(spec, observed: observer.observe(), ledger: ledger, options: options)
            try refuseClashes(plan, loaded)
            say("Plan for cluster \(spec.name) (\(file)):")
            FileHandle.standardOutput.write(Data(plan.render(file: file).utf8))
            if dryRun || plan.isEmpty { return }

            let executor = ApplyExecutor(global: global, svc: svc, cluster: spec.name, ledgerFile: ledgerFile, ledger: ledger)
            var total = 0
            // Machines first; then look again, since a machine just made or started has its agent's contents now.
            let early = plan.steps.filter { $0.phase <= .machines }
            if !early.isEmpty {
                say("Applying:")
                total += early.count
                guard executor.run(early) else { throw stopped(executor, total: plan.steps.count) }
                plan = Planner.plan(spec, observed: observer.observe(), ledger: executor.ledger, options: options)
                try refuseClashes(plan, loaded)
            } else {
                say("Applying:")
            }
            let rest = plan.steps.filter { $0.phase > .machines }
            total += rest.count
            guard executor.run(rest) else { throw stopped(executor, total: total) }
            say("applied \(executor.done.count) step(s) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
    }

    private func refuseClashes(_ plan: Plan, _ loaded: LoadedClusterFile) throws {
        guard !plan.clashes.isEmpty else { return }
        let lines = plan.clashes.map { loaded.error($0.mark, "\($0.subject) \($0.difference)") }
        for line in lines.dropLast() { printError(line) }
        throw BerthError.exists(lines.last!)
    }

    private func stopped(_ e: ApplyExecutor, total: Int) -> BerthError {
        .failed("apply stopped: \(e.done.count) of \(total) step(s) done, \(e.failures.count) failed (\(e.failures.map(\.0).joined(separator: "; "))); what was done is kept, the next apply finishes the rest")
    }
}

/// `berth destroy -f cluster.yml`: removes what the file made (as the ledger records it), nothing else.
struct Destroy: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove what `berth apply -f FILE` made")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The cluster file (YAML)") var file: String
    @Flag(name: .customLong("dry-run"), help: "Print the plan and stop") var dryRun = false

    func run() throws {
        try guarded {
            let spec = try LoadedClusterFile(path: file).spec
            let svc = try global.service()
            let ledgerFile = LedgerFile(store: svc.store, name: spec.name)
            let ledger = try ledgerFile.load(file: file, name: spec.name)
            guard !ledger.isEmpty else {
                say("nothing to destroy: the store holds nothing made by cluster \(spec.name)")
                return
            }
            let plan = Planner.destroy(ledger: ledger, observed: ObservedCluster())
            say("Destroying cluster \(spec.name):")
            FileHandle.standardOutput.write(Data(plan.render(file: file).utf8))
            if dryRun { return }
            let started = Date()
            let executor = ApplyExecutor(global: global, svc: svc, cluster: spec.name, ledgerFile: ledgerFile, ledger: ledger)
            guard executor.run(plan.steps) else {
                throw BerthError.failed("destroy stopped: \(executor.failures.count) step(s) failed; run it again to finish")
            }
            try ledgerFile.save(ClusterLedger(name: spec.name, file: file))
            say("destroyed cluster \(spec.name) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
    }
}
