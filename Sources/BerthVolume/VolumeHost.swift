import BerthCore
import BerthMachine
import BerthSSH
import BerthTransfer
import Foundation

/// One machine as `berth volume` sees it: its agent (volumes by name, and the bytes over its data plane when it
/// serves one) and an SSH session (the control plane as root: sizes, putting data in place; the bytes when the agent
/// has no data plane or `forceSSH`). The session is used by one thread at a time.
final class VolumeHost {
    let record: MachineRecord
    let engine: EngineClient
    let session: SSHSession
    /// The data plane, nil when the bytes go over SSH.
    let agent: AgentTrees?

    init(service: MachineService, name: String, forceSSH: Bool = false, cleanups: Cleanups = Cleanups()) throws {
        record = try service.load(name)
        engine = EngineClient(service: service, record: record)
        session = try SSHSession.connect(service.endpoint(record))
        let tls = engine.http.tls
        if !forceSSH, let tls, AgentSide.probe(base: engine.base, tls: tls) {
            agent = AgentTrees(machine: record.name, base: engine.base, tls: tls, cleanups: cleanups)
        } else {
            agent = nil
        }
    }

    /// How the bytes reach this machine, as `-v` says it.
    var path: String { agent != nil ? "data plane (the agent, over TLS)" : "SSH" }

    var name: String { record.name }

    func close() { session.close() }

    /// `script` as root: run by `sh` directly for root, through `sudo -n` otherwise.
    func asRoot(_ script: String) -> String {
        ShellQuote.asRoot("sh -c " + ShellQuote.word(script), user: record.ssh.user)
    }

    /// Runs a short script as root; its stdout, or an error naming the machine.
    @discardableResult
    func run(_ script: String, what: String) throws -> String {
        let r = try session.run(asRoot(script), stdin: nil, onOutput: nil)
        guard r.exitStatus == 0 else {
            let why = r.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            throw BerthError.failed("\(name): \(what) failed (exit \(r.exitStatus))" + (why.isEmpty ? "" : ": \(why)"))
        }
        return r.output
    }

    /// The bytes under a volume's directory and whether it is empty.
    func probe(_ dir: String) throws -> (size: Int64, empty: Bool) {
        let out = try run(VolumeScripts.probe(dir), what: "reading \(dir)")
        let fields = (VolumeScripts.value(of: VolumeScripts.sizeMarker, in: out) ?? "").split(separator: " ")
        guard fields.count == 2, let size = Int64(fields[0]) else {
            throw BerthError.failed("\(name): cannot read the size of \(dir)")
        }
        return (size, fields[1] == "0")
    }

    /// Streams a tar of `dir` into `sink`; returns the SHA-256 the sending side computed.
    func send(_ dir: String, into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> String {
        if let agent {
            return try withoutActuallyEscaping(sink) { sink in try agent.send(dir, into: sink) }
        }
        let r = try session.stream(asRoot(VolumeScripts.send(dir)), input: nil, output: sink)
        let stderr = String(decoding: r.stderr, as: UTF8.self)
        guard r.exitStatus == 0, let sha = VolumeScripts.value(of: VolumeScripts.shaMarker, in: stderr), sha.count == 64
        else {
            let why = VolumeScripts.messages(stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BerthError.failed("\(name): tar of \(dir) failed (exit \(r.exitStatus))" + (why.isEmpty ? "" : ": \(why)"))
        }
        return sha
    }

    /// Extracts the tar `fill` yields into a new staging directory under `root`; returns it and the SHA-256 of what
    /// arrived.
    func receive(into root: String, from fill: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) throws
        -> (staging: String, sha: String) {
        if let agent { return try agent.receive(into: root, from: fill) }
        var out = Data()
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let r = try session.stream(asRoot(VolumeScripts.receive(volumesRoot: root, random: random)), input: fill) {
            out.append(contentsOf: $0)
        }
        let text = String(decoding: out, as: UTF8.self)
        guard r.exitStatus == 0, let staging = VolumeScripts.value(of: VolumeScripts.stagingMarker, in: text),
              let sha = VolumeScripts.value(of: VolumeScripts.shaMarker, in: text) else {
            let why = String(decoding: r.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BerthError.failed("\(name): extracting the volume failed (exit \(r.exitStatus))"
                + (why.isEmpty ? "" : ": \(why)"))
        }
        return (staging, sha)
    }

    func discard(_ staging: String) {
        _ = try? session.run(asRoot(VolumeScripts.discard(staging: staging)), stdin: nil, onOutput: nil)
    }
}
