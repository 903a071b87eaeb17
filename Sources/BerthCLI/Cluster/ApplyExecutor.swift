import BerthCluster
import BerthCore
import BerthImageFormat
import BerthMachine
import BerthSSH
import BerthVolume
import Foundation

/// Carries out a plan phase by phase: the steps of a phase in parallel (a machine's containers in order), the
/// ledger saved after every step that succeeded, and the plan stopped after a phase in which a step failed (what was
/// done is kept; the next apply finishes the rest).
final class ApplyExecutor: @unchecked Sendable {
    let global: GlobalOptions
    let svc: MachineService
    let cluster: String
    let ledgerFile: LedgerFile
    private let lock = NSLock()
    private(set) var ledger: ClusterLedger
    private(set) var done: [String] = []
    private(set) var failures: [(String, Error)] = []

    init(global: GlobalOptions, svc: MachineService, cluster: String, ledgerFile: LedgerFile, ledger: ClusterLedger) {
        self.global = global
        self.svc = svc
        self.cluster = cluster
        self.ledgerFile = ledgerFile
        self.ledger = ledger
    }

    /// Runs `steps` (already of one phase or several, in phase order); false once a phase had a failure.
    func run(_ steps: [PlanStep]) -> Bool {
        for phase in PlanPhase.allCases {
            let mine = steps.filter { $0.phase == phase }
            guard !mine.isEmpty else { continue }
            if phase == .prune || phase == .flannel || phase == .store {
                for s in mine { perform(s) }  // removals in their order; one store, one flannel
            } else if phase == .containers || phase == .images {
                let machines = mine.compactMap(\.machine).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                _ = parallelMap(machines) { m in for s in mine where s.machine == m { self.perform(s) } }
            } else {
                _ = parallelMap(mine) { self.perform($0) }
            }
            if !failures.isEmpty { return false }
        }
        return true
    }

    private func perform(_ step: PlanStep) {
        let started = Date()
        do {
            try execute(step.action)
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            // Recorded and saved under the lock, so a slower step never writes an older ledger over a newer one.
            lock.lock()
            defer { lock.unlock() }
            ledger.record(step.action)
            done.append(step.description)
            say("  ok    \(step) (\(ms) ms)")
            try ledgerFile.save(ledger)
        } catch {
            lock.lock()
            failures.append((step.description, error))
            printError("  FAIL  \(step): \(error)")
            lock.unlock()
        }
    }

    private func engine(_ machine: String) throws -> EngineClient {
        EngineClient(service: svc, record: try svc.load(machine))
    }

    private func execute(_ action: PlanAction) throws {
        switch action {
        case .createMachine(let m):
            let engine = EngineOptions(port: m.engine.port ?? 2376, labels: m.engine.labels, options: m.engine.options,
                                       env: m.engine.env)
            _ = try svc.create(CreateRequest(name: m.name, driverName: m.driver, options: DriverOptions(m.options),
                                             engine: engine), say: { _ in }, progress: nil)
        case .adopt: break
        case .startMachine(let name): try svc.start(name, say: { _ in })
        case .createStore(let names): _ = try global.clusterService().create(names, say: { _ in })
        case .createFlannel(let net, let machines):
            guard let f = net.flannel, let network = try? IPv4Network(parsing: f.network) else {
                throw BerthError.invalidArgument("flannel network \(net.name): no network")
            }
            let config = try FlannelConfig(network: network, subnetLen: f.subnetLen, subnetMin: nil, subnetMax: nil,
                                           backend: .init(type: f.backend, vni: f.vni ?? 1, port: f.port ?? 8472))
            let flannel = try global.flannelService()
            try stopDefaultBridgeContainers(flannel, machines)
            _ = try flannel.create(config, on: machines)
        case .joinFlannel(let machines):
            let flannel = try global.flannelService()
            try stopDefaultBridgeContainers(flannel, machines)
            _ = try flannel.join(machines)
        case .createNetwork(let n, let machine): try engine(machine).createNetwork(n, cluster: cluster)
        case .createVolume(let v, let machine): try engine(machine).createVolume(v, cluster: cluster)
        case .loadImage(let image, let machine):
            switch image.source {
            case .importTar(let path, let changes):
                try engine(machine).importImage(file: path, name: image.name, changes: changes)
            case .build(let dir, let dockerfile):
                try engine(machine).buildImage(context: try Self.tar(directory: dir), name: image.name, dockerfile: dockerfile)
            }
        case .createContainer(let c):
            let e = try engine(c.machine)
            try e.createContainer(c, cluster: cluster)
            if c.start { try e.startContainer(c.name) }
        case .startContainer(let c): try engine(c.machine).startContainer(c.name)
        case .removeContainer(let entry): try onMachine(entry) { try $0.removeContainer(entry.name) }
        case .removeVolume(let entry): try onMachine(entry) { try $0.removeVolumeIfThere(entry.name) }
        case .removeImage(let entry): try onMachine(entry) { try $0.removeImage(entry.name) }
        case .removeNetwork(let entry):
            if entry.machine != nil {
                try onMachine(entry) { try $0.removeNetwork(entry.name) }
            } else if let record = svc.store.records().first(where: { svc.status($0, timeout: 5).state == .running }) {
                try EngineClient(service: svc, record: record).removeNetwork(entry.name)
            }
        case .removeFlannel:
            if let flannel = try? global.flannelService(), (try? flannel.hasConfig()) == true { try flannel.remove() }
        case .removeStore:
            if (try? svc.store.loadCluster()) ?? nil != nil { try global.clusterService().remove(force: true, say: { _ in }) }
        case .removeMachine(let name):
            if svc.store.exists(name) { try svc.remove(name, force: true, say: { _ in }) }
        }
    }

    /// A removal on a machine: nothing to do when the machine is gone or not running (its agent holds nothing then).
    private func onMachine(_ entry: ClusterLedger.Entry, _ body: (EngineClient) throws -> Void) throws {
        guard let m = entry.machine, svc.store.exists(m) else { return }
        let record = try svc.load(m)
        guard svc.status(record, timeout: 5).state == .running else { return }
        try body(EngineClient(service: svc, record: record))
    }

    /// A build context: the directory's regular files, directories and symlinks, as `docker build DIR` sends it.
    static func tar(directory: String) throws -> Data {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: directory) else {
            throw BerthError.invalidArgument("build context \(directory): not a directory")
        }
        var entries: [(TarEntry, [UInt8])] = []
        for case let rel as String in walker {
            let full = directory + "/" + rel
            let attrs = try fm.attributesOfItem(atPath: full)
            let mode = UInt32((attrs[.posixPermissions] as? NSNumber)?.intValue ?? 0o644)
            switch attrs[.type] as? FileAttributeType {
            case .typeDirectory?: entries.append((TarEntry(path: rel, type: .directory, mode: mode), []))
            case .typeSymbolicLink?:
                var e = TarEntry(path: rel, type: .symlink, mode: mode)
                e.linkName = try fm.destinationOfSymbolicLink(atPath: full)
                entries.append((e, []))
            case .typeRegular?:
                guard let data = fm.contents(atPath: full) else {
                    throw BerthError.invalidArgument("build context: cannot read \(full)")
                }
                entries.append((TarEntry(path: rel, type: .file, mode: mode), [UInt8](data)))
            default: continue
            }
        }
        return Data(TarWriter.archive(entries))
    }
}
