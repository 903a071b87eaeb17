import BerthCore
import BerthMachine
import BerthSSH
import BerthTransfer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `berth volume backup/restore/migrate`: a volume's contents as a tar stream, found through each machine's agent
/// and moved over its data plane (SSH when the agent has none, or `forceSSH`). Host to host the source agent pushes
/// straight to the target agent; when it cannot reach it, or over SSH, the stream is relayed through memory here
/// (bounded blocks, never the local disk).
/// Every stream is checked by SHA-256 where it arrives: the sending side's, the relayed bytes' and the receiving
/// side's must agree. A target is written into a staging directory beside the volumes and renamed into place only
/// after the check; a new target volume is created (through the agent) only then, so a failed or killed transfer
/// leaves no target volume behind.
public final class VolumeTransfer {
    public struct Report: Sendable {
        public var bytes: Int64
        public var sha256: String
        public var seconds: Double
        /// What now holds the data (`lab2:data`, a file).
        public var target: String
        /// How each machine was reached and the bytes went (`lab1: data plane ...`, `lab1 -> lab2: agent to agent`).
        public var paths: [String] = []
    }

    let service: MachineService
    /// Called with (bytes moved, expected total) as the stream goes.
    public var onProgress: ((Int64, Int64) -> Void)?
    /// Size of each relay block and how many there are (memory bound: blocks × size).
    public var blockSize = 1 << 20
    public var blocks = 8
    /// The bytes over SSH even where the agents serve the data plane.
    public var forceSSH = false
    /// What an interruption undoes (see ``Cleanups``).
    public let cleanups = Cleanups()

    public init(service: MachineService) { self.service = service }

    // MARK: backup

    /// Writes a tar of `source`'s contents to the local file `path` (via a temporary file beside it, renamed once
    /// its SHA-256 matches what the machine sent).
    public func backup(_ source: VolumeAddress, to path: String) throws -> Report {
        let started = Date()
        let name = try volumeName(source)
        let host = try VolumeHost(service: service, name: source.machine, forceSSH: forceSSH, cleanups: cleanups)
        defer { host.close() }
        guard let volume = try host.engine.volume(name) else { throw noSuchVolume(source) }
        let total = try host.probe(volume.Mountpoint).size

        let tmp = Self.temporaryPath(beside: path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BerthError.failed("cannot write \(tmp): \(String(cString: strerror(errno)))") }
        var keep = false
        let cleanup = cleanups.add { unlink(tmp) }
        defer {
            cleanups.remove(cleanup)
            if !keep { unlink(tmp) }
        }
        let digest = SHA256Digest()
        var written: Int64 = 0
        let sent: String
        do {
            defer { close(fd) }
            onProgress?(0, total)
            sent = try host.send(volume.Mountpoint) { chunk in
                var offset = 0
                while offset < chunk.count {
                    let n = write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw BerthError.failed("writing \(tmp): \(String(cString: strerror(errno)))")
                    }
                    offset += n
                }
                digest.update(chunk)
                written += Int64(chunk.count)
                onProgress?(written, max(total, written))
            }
            guard fsync(fd) == 0 else { throw BerthError.failed("fsync \(tmp): \(String(cString: strerror(errno)))") }
        }
        let local = digest.finalize()
        guard local == sent else {
            throw BerthError.failed("checksum mismatch: \(source) sent \(sent), \(path) got \(local); nothing written")
        }
        guard rename(tmp, path) == 0 else {
            throw BerthError.failed("rename \(tmp) to \(path): \(String(cString: strerror(errno)))")
        }
        keep = true
        return Report(bytes: written, sha256: local, seconds: Date().timeIntervalSince(started), target: path,
                      paths: ["\(host.name): \(host.path)"])
    }

    // MARK: restore

    /// Extracts the tar at `path` into `target` (created when missing). A volume that holds data is replaced only
    /// with `force`.
    public func restore(from path: String, to target: VolumeAddress, force: Bool) throws -> Report {
        let started = Date()
        let name = try volumeName(target)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BerthError.failed("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw BerthError.invalidArgument("\(path) is not a regular file")
        }
        let total = Int64(st.st_size)
        let host = try VolumeHost(service: service, name: target.machine, forceSSH: forceSSH, cleanups: cleanups)
        defer { host.close() }
        let plan = try prepareTarget(host, name: name, force: force)

        let digest = SHA256Digest()
        var read: Int64 = 0
        let progress = onProgress
        progress?(0, total)
        let (staging, arrived) = try host.receive(into: plan.root) { buffer in
            while true {
                let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw BerthError.failed("reading \(path): \(String(cString: strerror(errno)))") }
                digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                read += Int64(n)
                progress?(read, max(total, read))
                return n
            }
        }
        let local = digest.finalize()
        try commit(host, name: name, plan: plan, staging: staging, checks: [("\(path)", local), ("\(target)", arrived)])
        return Report(bytes: read, sha256: local, seconds: Date().timeIntervalSince(started),
                      target: "\(target.machine):\(name)", paths: ["\(host.name): \(host.path)"])
    }

    // MARK: migrate

    /// Copies `source` to `target` (`MACHINE[:NAME]`, the source's name by default) host to host; with
    /// `removeSource` the source volume is removed once the copy is checked and in place.
    public func migrate(_ source: VolumeAddress, to target: VolumeAddress, force: Bool,
                        removeSource: Bool) throws -> Report {
        let started = Date()
        let sourceName = try volumeName(source)
        let targetName = target.volume ?? sourceName
        guard source.machine != target.machine || sourceName != targetName else {
            throw BerthError.invalidArgument("source and target are the same volume (\(source))")
        }
        let hosts = try connect([source.machine, target.machine])
        let from = hosts[0], to = hosts[1]
        defer { for h in hosts { h.close() } }
        guard let volume = try from.engine.volume(sourceName) else { throw noSuchVolume(source) }
        let plan = try prepareTarget(to, name: targetName, force: force)
        let total = try from.probe(volume.Mountpoint).size
        var paths = ["\(from.name): \(from.path)", "\(to.name): \(to.path)"]
        let route = "\(from.name) -> \(to.name)"

        // Agent to agent: the bytes never pass through here.
        if let source = from.agent, let destination = to.agent {
            onProgress?(0, total)
            switch try source.push(volume.Mountpoint, to: destination, root: plan.root) {
            case .done(let bytes, let sent, let arrived, let staging):
                try commit(to, name: targetName, plan: plan, staging: staging,
                           checks: [("\(source.machine):\(sourceName)", sent), ("\(to.name):\(targetName)", arrived)])
                onProgress?(Int64(bytes), max(total, Int64(bytes)))
                try removeIfAsked(removeSource, from, sourceName, target: "\(target.machine):\(targetName)")
                return Report(bytes: Int64(bytes), sha256: sent, seconds: Date().timeIntervalSince(started),
                              target: "\(target.machine):\(targetName)", paths: paths + ["\(route): agent to agent"])
            case .unreachable(let why):
                paths.append("\(route): relayed through berth (\(from.name) cannot reach \(to.name): \(why))")
            }
        } else {
            paths.append("\(route): relayed through berth")
        }

        // The source's session streams on its own thread into bounded blocks; the target's drains them here.
        let pipe = BlockPipe(blocks: blocks, blockSize: blockSize)
        let digest = SHA256Digest()
        let progress = onProgress
        final class Outcome: @unchecked Sendable {
            var sent: Result<String, Error> = .failure(BerthError.failed("not sent"))
            var bytes: Int64 = 0
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let sender = Thread {
            defer { done.signal() }
            var current: BlockPipe.Block?
            progress?(0, total)
            outcome.sent = Result {
                try from.send(volume.Mountpoint) { chunk in
                    digest.update(chunk)
                    var offset = 0
                    while offset < chunk.count {
                        if current == nil {
                            guard let b = pipe.takeEmpty() else { throw BerthError.failed("the target stopped reading") }
                            current = b
                        }
                        let b = current!
                        let n = min(b.buffer.count - b.count, chunk.count - offset)
                        (b.buffer.baseAddress! + b.count).copyMemory(from: chunk.baseAddress! + offset, byteCount: n)
                        b.count += n
                        offset += n
                        if b.count == b.buffer.count {
                            pipe.put(b)
                            current = nil
                        }
                    }
                    outcome.bytes += Int64(chunk.count)
                    progress?(outcome.bytes, max(total, outcome.bytes))
                }
            }
            if let b = current, b.count > 0 { pipe.put(b) }
            // Even after a failure the target gets a clean end: it reports what it got, and the checks refuse it.
            pipe.finish()
        }
        sender.stackSize = 1 << 20
        sender.start()
        let received: Result<(staging: String, sha: String), Error> = Result { try to.receive(into: plan.root) { try pipe.fill($0) } }
        pipe.cancel()
        done.wait()
        let relayed = digest.finalize()
        let staging: String
        do {
            staging = try received.get().staging
            let sent = try outcome.sent.get()
            try commit(to, name: targetName, plan: plan, staging: staging,
                       checks: [("\(source)", sent), ("relayed", relayed), ("\(target.machine):\(targetName)",
                                                                           try received.get().sha)])
        } catch {
            if case .success(let r) = received { to.discard(r.staging) }
            throw error
        }
        try removeIfAsked(removeSource, from, sourceName, target: "\(target.machine):\(targetName)")
        return Report(bytes: outcome.bytes, sha256: relayed, seconds: Date().timeIntervalSince(started),
                      target: "\(target.machine):\(targetName)", paths: paths)
    }

    /// `--rm-source`: the source volume goes once its copy is checked and in place.
    func removeIfAsked(_ remove: Bool, _ from: VolumeHost, _ name: String, target: String) throws {
        guard remove else { return }
        do {
            try from.engine.removeVolume(name)
        } catch {
            throw BerthError.failed("copied to \(target) and checked, but the source was not removed: \(error)")
        }
    }

    // MARK: shared steps

    struct TargetPlan {
        /// Where staging directories go (`<data root>/volumes`).
        var root: String
        /// The existing volume's directory, nil when the volume is to be created.
        var existing: String?
    }

    /// Checks the target before any byte moves: an existing volume must be empty unless `force`.
    func prepareTarget(_ host: VolumeHost, name: String, force: Bool) throws -> TargetPlan {
        let root = try host.engine.dataRoot() + "/volumes"
        guard let volume = try host.engine.volume(name) else { return TargetPlan(root: root, existing: nil) }
        if !force, !(try host.probe(volume.Mountpoint).empty) {
            throw BerthError.exists("volume \(name) on \(host.name) is not empty (use --force to replace its contents)")
        }
        return TargetPlan(root: root, existing: volume.Mountpoint)
    }

    /// After every checksum agrees: the staging directory becomes the volume's (a new volume is created now).
    func commit(_ host: VolumeHost, name: String, plan: TargetPlan, staging: String,
                checks: [(String, String)]) throws {
        let values = Set(checks.map(\.1))
        guard values.count == 1, values.first?.count == 64 else {
            host.discard(staging)
            let detail = checks.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            throw BerthError.failed("checksum mismatch (\(detail)); the target was left as it was")
        }
        do {
            if let existing = plan.existing {
                try host.run(VolumeScripts.commitReplace(staging: staging, mountpoint: existing), what: "replacing \(name)")
            } else {
                let volume = try host.engine.createVolume(name)
                do {
                    try host.run(VolumeScripts.commitNew(staging: staging, mountpoint: volume.Mountpoint),
                                 what: "moving the data into \(name)")
                } catch {
                    try? host.engine.removeVolume(name)
                    throw error
                }
            }
        } catch {
            host.discard(staging)
            throw error
        }
    }

    func connect(_ machines: [String]) throws -> [VolumeHost] {
        let results = machines.map { name in Result { try VolumeHost(service: service, name: name, forceSSH: forceSSH, cleanups: cleanups) } }
        var hosts: [VolumeHost] = []
        for r in results {
            switch r {
            case .success(let h): hosts.append(h)
            case .failure(let e):
                for case .success(let h) in results { h.close() }
                throw e
            }
        }
        return hosts
    }

    func volumeName(_ address: VolumeAddress) throws -> String {
        guard let name = address.volume else { throw BerthError.invalidArgument("\(address): no volume name given") }
        return name
    }

    func noSuchVolume(_ address: VolumeAddress) -> Error {
        BerthError.notFound("\(address.machine): no such volume: \(address.volume ?? "")")
    }

    static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".berth-tmp-" + random
    }
}
