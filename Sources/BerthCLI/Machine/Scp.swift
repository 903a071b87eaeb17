import ArgumentParser
import BerthCore
import BerthHTTP
import BerthMachine
import BerthSSH
import BerthTransfer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `berth scp [-r] [-q] [-d] SRC... DST`: copies between this machine and machines, or straight from one machine
/// to another over Berth's own SSH sessions (through memory, never the local disk). Every file goes to a
/// temporary name beside its destination and is renamed into place once its SHA-256 matches the source's.
struct Scp: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy files between machines",
        discussion: """
        Each path is a local path, localhost:PATH, MACHINE:PATH or USER@MACHINE:PATH (USER overrides the \
        machine's SSH user); a relative remote path starts in the login directory. Several sources go into an \
        existing directory. Machine to machine copies stream through memory, each side with its own SSH user, \
        port and key.
        """)
    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Copy directories recursively, keeping modes, modification times and symbolic links")
    var recursive = false
    @Flag(name: [.short, .long], help: "No progress bar")
    var quiet = false
    @Flag(name: [.short, .long], help: "Send only files whose size or content differs (compared by SHA-256 on each side)")
    var delta = false
    @Flag(name: [.short, .long], help: "Print the path each machine is reached by, and one line per file sent, left unchanged or linked")
    var verbose = false
    @Flag(name: .long, help: "Copy over SSH (SFTP) even where the machine's agent serves the data plane")
    var ssh = false
    @Argument(help: "Source path(s), then the destination") var paths: [String] = []

    func validate() throws {
        guard paths.count >= 2 else { throw ValidationError("scp needs at least one source and a destination") }
    }

    func run() throws {
        try guarded {
            // Signals first, so an early Ctrl-C still ends the command the same way (nothing written, 128+signal).
            let cancellation = Cancellation()
            let temporaries = TemporaryFiles()
            // Interrupted, the copier stops and removes its temporary files (the command then exits 128+signal); if
            // it has not managed within a few seconds (a stalled connection), the local ones go directly. Remote ones
            // left then are swept by the next copy to that directory.
            let signals = InterruptTrap(lastResort: { temporaries.removeLocalNow() }) { cancellation.cancel(signal: $0) }
            defer { signals.restore() }

            let locations = try paths.map(Location.parse)
            // BERTH_SCP_SSH=1 is --ssh, as BERTH_SCP_LANES sets the lanes: for scripts and tests.
            let forceSSH = ssh || ProcessInfo.processInfo.environment["BERTH_SCP_SSH"] == "1"
            let sides = try ScpSides(locations, forceSSH: forceSSH, service: { try global.service() })
            defer { sides.close() }
            if verbose { for line in sides.paths { say(line) } }

            let copier = Copier(options: CopyOptions(recursive: recursive, delta: delta),
                                cancellation: cancellation, temporaries: temporaries)
            let label = locations.count == 2
                ? CopyNaming.lastComponent(locations[0].path) : "\(locations.count - 1) sources"
            let bar = ProgressBar(label: label, quiet: quiet || isatty(1) != 1)
            copier.onProgress = { sent, total in bar.update(sent: sent, total: total) }
            if verbose { copier.onEvent = { say(Self.line($0)) } }
            do {
                try copier.copy(sides.sources, to: sides.destination)
                bar.finish()
                if verbose { for line in sides.agentToAgent() { say(line) } }
            } catch let e as TransferError where e.isInterrupted {
                bar.finish()
                let sig = cancellation.signal ?? SIGINT
                printError(e.description)
                throw ExitCode(128 + sig)
            } catch {
                bar.finish()
                throw error
            }
        }
    }

    static func line(_ event: CopyEvent) -> String {
        switch event {
        case .sent(let s, let d, let n, let t, let lanes):
            let rate = t > 0 ? String(format: ", %.0f MB/s", Double(n) / t / 1e6) : ""
            let over = lanes > 1 ? ", \(lanes) connections" : ""
            return "sent \(s) -> \(d) (\(n) bytes in \(String(format: "%.2f", t)) s\(rate)\(over))"
        case .unchanged(let d): return "unchanged \(d)"
        case .linked(let d, let t): return "linked \(d) -> \(t)"
        case .madeDirectory(let d): return "created \(d)"
        case .removedStale(let p): return "removed stale \(p)"
        }
    }
}

/// The sides of one `berth scp`: this machine, and per machine and user one side for the sources plus one for the
/// destination (so a machine that is both reads and writes at once). A machine whose agent serves the data plane is
/// reached through it (mutual TLS, as the SSH user); any other, or every one with `--ssh`, over an SSH session.
final class ScpSides {
    let sources: [Operand]
    let destination: Operand
    /// How each machine is reached, for `-v`.
    private(set) var paths: [String] = []
    private var sessions: [SSHSession] = []
    private var remotes: [SFTPSide] = []

    init(_ locations: [Location], forceSSH: Bool = false, service: () throws -> MachineService) throws {
        let local = LocalSide()
        // One connection per (role, machine, user); made in parallel. Each side opens more (lanes for large
        // files) when it needs them, with the same endpoint.
        enum Role: Hashable { case source, destination }
        struct Key: Hashable { var role: Role; var machine: String; var user: String? }
        var keys: [Key] = []
        for (i, l) in locations.enumerated() {
            guard case .remote(let m, let u, _) = l else { continue }
            let role: Role = i == locations.count - 1 ? .destination : .source
            if !keys.contains(Key(role: role, machine: m, user: u)) { keys.append(Key(role: role, machine: m, user: u)) }
        }
        var sides: [Key: FileSystemSide] = [:]
        if !keys.isEmpty {
            let svc = try service()
            // Unknown machines fail before any connection is made.
            let records = try keys.map { try svc.load($0.machine) }
            let endpoints = zip(keys, records).map { key, record -> SSHEndpoint in
                var ep = svc.endpoint(record)
                if let u = key.user { ep.user = u }
                return ep
            }
            // The data plane where the agent answers its ping (once per machine), else SSH.
            var planes: [String: DataPlaneEndpoint] = [:]
            if !forceSSH {
                let machines = Array(Set(records.map(\.name))).sorted()
                let found: [DataPlaneEndpoint?] = parallelMap(machines) { name in
                    guard let record = records.first(where: { $0.name == name }) else { return nil }
                    let endpoint = DataPlaneEndpoint(record: record, files: svc.certificates.clientTLS(for: name))
                    return AgentSide.probe(base: endpoint.base, tls: endpoint.tls) ? endpoint : nil
                }
                for endpoint in found.compactMap({ $0 }) { planes[endpoint.machine] = endpoint }
            }
            // SSH for machines without the data plane, and once for a `user@` other than the machine's own SSH user:
            // that user must still be able to log in with the machine's key, as with OpenSSH's scp, before the
            // agent acts as them.
            var overSSH: [Int] = []
            for (i, key) in keys.enumerated() {
                let overridden = key.user != nil && key.user != records[i].ssh.user
                if planes[key.machine] == nil || overridden { overSSH.append(i) }
            }
            for name in Set(keys.map(\.machine)).sorted() {
                paths.append(planes[name] != nil ? "\(name): data plane (the agent, over TLS)" : "\(name): SSH")
            }
            let results = parallelMap(overSSH.map { endpoints[$0] }) { ep in Result { try SSHSession.connect(ep) } }
            for r in results { if case .success(let s) = r { sessions.append(s) } }
            for (j, r) in results.enumerated() {
                let i = overSSH[j]
                let ep = endpoints[i]
                let session = try r.get()
                if planes[keys[i].machine] != nil { continue } // the login was the point; the agent does the rest
                let side = SFTPSide(session: session, label: keys[i].machine, openSession: { try SSHSession.connect(ep) })
                remotes.append(side)
                sides[keys[i]] = side
            }
            for (i, key) in keys.enumerated() where sides[key] == nil {
                guard let plane = planes[key.machine] else { continue }
                sides[key] = AgentSide(label: key.machine, base: plane.base, tls: plane.tls, user: endpoints[i].user)
            }
        }
        func operand(_ l: Location, role: Role) -> Operand {
            switch l {
            case .local(let p): return Operand(side: local, path: p)
            case .remote(let m, let u, let p): return Operand(side: sides[Key(role: role, machine: m, user: u)]!, path: p)
            }
        }
        sources = locations.dropLast().map { operand($0, role: .source) }
        destination = operand(locations.last!, role: .destination)
    }

    /// For `-v` after a copy: which machine pairs moved bytes agent to agent, and which had to relay through here.
    func agentToAgent() -> [String] {
        guard let to = destination.side as? AgentSide else { return [] }
        var lines: [String] = []
        var seen: Set<ObjectIdentifier> = []
        for case let from as AgentSide in sources.map(\.side) where seen.insert(ObjectIdentifier(from)).inserted {
            if let why = from.unreachable[to.base] {
                lines.append("\(from.label) -> \(to.label): relayed through berth (\(from.label) cannot reach \(to.label): \(why))")
            } else if from.pushedTo.contains(to.base) {
                lines.append("\(from.label) -> \(to.label): agent to agent")
            }
        }
        return lines
    }

    func close() {
        for side in remotes { side.close() }
        // Sessions that failed before they got a side (a partner's connection failed).
        for s in sessions where !remotes.contains(where: { $0.session === s }) { s.close() }
        remotes = []
        sessions = []
    }
}

/// Where a machine's agent serves the data plane, and the store's client certificate for it.
struct DataPlaneEndpoint {
    var machine: String
    var base: String
    var tls: TLSClientFiles

    init(record: MachineRecord, files: ClientTLSFiles) {
        machine = record.name
        let host = record.ssh.ipAddress.contains(":") ? "[\(record.ssh.ipAddress)]" : record.ssh.ipAddress
        base = "https://\(host):\(record.engine.port)"
        tls = TLSClientFiles(caPath: files.caPath, certPath: files.certPath, keyPath: files.keyPath)
    }
}
