import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `berth` (and other tools) against a store the test owns.
struct Harness {
    static let env = ProcessInfo.processInfo.environment
    static let enabled = env["BERTH_INTEGRATION"] == "1" && geteuid() == 0 && env["BERTH_BIN"] != nil
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    let store: String

    init(_ tag: String) {
        store = NSTemporaryDirectory() + "berth-it-\(tag)-\(getpid())"
        try? FileManager.default.removeItem(atPath: store)
    }

    /// `berth ARGS` with this harness's store.
    /// Set for every `berth` this harness runs.
    var env: [String: String] = [:]

    @discardableResult
    /// A machine's agent address (host, port) from `berth url`.
    func agentAddress(_ machine: String) throws -> (String, String) {
        let url = berth(["url", machine]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = url.replacingOccurrences(of: "tcp://", with: "").split(separator: ":").map(String.init)
        try #require(parts.count == 2, "url: \(url)")
        return (parts[0], parts[1])
    }

    func berth(_ args: [String], extraEnv: [String: String] = [:], stdin: String? = nil) -> Output {
        var e = Harness.env
        e["BERTH_STORAGE_PATH"] = store
        for (k, v) in env { e[k] = v }
        for (k, v) in extraEnv { e[k] = v }
        return Harness.run([Harness.env["BERTH_BIN"] ?? "berth"] + args, env: e, stdin: stdin)
    }

    @discardableResult
    static func run(_ argv: [String], env: [String: String] = Harness.env, stdin: String? = nil) -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = stdin == nil ? FileHandle.nullDevice : inp
        do { try p.run() } catch { return Output(status: -1, stdout: "", stderr: "\(error)") }
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)); try? inp.fileHandleForWriting.close() }
        var errData = Data()
        let g = DispatchGroup()
        g.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); g.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        g.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `sh -c` for small checks.
    @discardableResult
    static func sh(_ script: String) -> Output { run(["sh", "-c", script]) }

    /// The environment `eval $(berth env MACHINE)` would give.
    func dockerEnvironment(_ machine: String) -> [String: String] {
        let envOut = berth(["env", machine]).stdout
        var e = Harness.env
        for line in envOut.split(separator: "\n") where line.hasPrefix("export ") {
            let kv = line.dropFirst("export ".count)
            guard let eq = kv.firstIndex(of: "=") else { continue }
            e[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return e
    }

    /// The docker CLI pointed at a machine through `berth env`.
    func docker(_ machine: String, _ args: [String]) -> Output {
        Harness.run(["docker"] + args, env: dockerEnvironment(machine))
    }

    func cleanup(_ machines: [String]) {
        berth(["rm", "-f"] + machines)
        try? FileManager.default.removeItem(atPath: store)
    }

    /// Namespaces whose names start with `prefix`.
    static func namespaces(prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []).filter { $0.hasPrefix(prefix) }
    }
}
