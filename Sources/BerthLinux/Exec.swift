import BerthKernel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs local programs. The one place this package spawns processes from the controller side.
public enum Exec {
    public typealias Failure = SpawnFailure

    public struct Output {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// How this package starts programs: BerthKernel's one spawner.
    static let spawner: any Spawner = SystemSpawner()

    /// Runs `argv` (argv[0] resolved through PATH), waits, and captures its output.
    @discardableResult
    public static func run(_ argv: [String], input: String? = nil) throws -> Output {
        let r = try spawner.run(SpawnRequest(argv, input: input.map { Array($0.utf8) }))
        return Output(status: r.status, stdout: r.output, stderr: r.errorOutput)
    }

    /// Runs `argv` and throws `Failure` on a non-zero exit.
    @discardableResult
    public static func check(_ argv: [String], input: String? = nil) throws -> String {
        try spawner.check(SpawnRequest(argv, input: input.map { Array($0.utf8) }))
    }

    /// Starts `argv` in a new session (setsid) with stdio on `logPath`, not waiting for it. Returns its pid.
    /// The child outlives this process.
    public static func spawnDetached(_ argv: [String], logPath: String) throws -> pid_t {
        try spawner.start(SpawnRequest(argv, stdout: .file(logPath), stderr: .withStdout, newSession: true))
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
