import CShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs local programs. The one place this package spawns processes from the controller side.
public enum Exec {
    public struct Failure: Error, CustomStringConvertible {
        public var argv: [String]
        public var status: Int32
        public var stderr: String
        public var description: String {
            let why = stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init)
            return "\(argv.joined(separator: " ")): exit \(status)" + (why.map { ": \($0)" } ?? "")
        }
    }

    public struct Output {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `argv` (argv[0] resolved through PATH), waits, and captures its output.
    @discardableResult
    public static func run(_ argv: [String], input: String? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let inp = Pipe()
        p.standardInput = input == nil ? FileHandle.nullDevice : inp
        try p.run()
        if let input {
            inp.fileHandleForWriting.write(Data(input.utf8))
            try? inp.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so neither fills up.
        final class Sink: @unchecked Sendable { var data = Data() }
        let errSink = Sink()
        let g = DispatchGroup()
        g.enter()
        DispatchQueue.global().async {
            errSink.data = err.fileHandleForReading.readDataToEndOfFile()
            g.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        g.wait()
        let errData = errSink.data
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `argv` and throws `Failure` on a non-zero exit.
    @discardableResult
    public static func check(_ argv: [String], input: String? = nil) throws -> String {
        let o = try run(argv, input: input)
        guard o.status == 0 else { throw Failure(argv: argv, status: o.status, stderr: o.stderr) }
        return o.stdout
    }

    /// Starts `argv` in a new session (setsid) with stdio on `logPath`, not waiting for it. Returns its pid.
    /// The child outlives this process.
    public static func spawnDetached(_ argv: [String], logPath: String) throws -> pid_t {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        let rcAttr = cshim_spawnattr_detach(&attr)
        guard rcAttr == 0 else {
            throw Failure(argv: argv, status: -1, stderr: "posix_spawnattr: \(String(cString: strerror(rcAttr)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, cargs, environ)
        guard rc == 0 else {
            throw Failure(argv: argv, status: -1, stderr: "posix_spawn: \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// True when a process with `pid` exists (signal 0 probe). Zombies of ours are reaped first.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0 else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        if Glibc.kill(pid, 0) == 0 { return !isZombie(pid) }
        return errno == EPERM
    }

    private static func isZombie(_ pid: pid_t) -> Bool {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return false }
        return s[s.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// The command name of `pid` from /proc (nil when gone).
    public static func commandName(_ pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The argument vector of `pid` from /proc (nil when gone).
    public static func arguments(of pid: pid_t) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The pids whose parent is one of `parents` (from each process's /proc/PID/stat).
    public static func children(of parents: Set<pid_t>) -> [pid_t] {
        guard !parents.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
            return []
        }
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                  let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = s.lastIndex(of: ")") else { return nil }
            // After "(comm)": state, then the parent's pid.
            let fields = s[s.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = pid_t(fields[1]), parents.contains(parent) else { return nil }
            return pid
        }
    }

    /// Sends SIGTERM to `pid`, waits up to `grace` seconds, then SIGKILL. Only for pids we started.
    public static func terminate(_ pid: pid_t, grace: Double = 3) {
        guard pid > 0, isAlive(pid) else { return }
        _ = Glibc.kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if !isAlive(pid) { return }
            usleep(20_000)
        }
        _ = Glibc.kill(pid, SIGKILL)
        for _ in 0..<100 where isAlive(pid) { usleep(10_000) }
    }
}
