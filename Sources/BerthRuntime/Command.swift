import Glibc

/// Runs a program to completion without a shell (FoundationEssentials has no `Process`).
public enum Command {
    /// Runs `argv` (argv[0] an absolute path), stdin from /dev/null, stdout discarded; returns the exit status and
    /// what it wrote to stderr.
    public static func run(_ argv: [String]) throws -> (status: Int32, stderr: String) {
        let err = try FD.pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, err.write, 2)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
        close(err.write)
        guard rc == 0 else {
            close(err.read)
            throw RuntimeError.system(step: "spawn \(argv[0])", errno: rc)
        }
        var message: [UInt8] = []
        while let chunk = FD.read(err.read) { message += chunk }
        close(err.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (Shim.exitCode(status), String(decoding: message, as: UTF8.self))
    }

    /// The first of `candidates` that is executable.
    public static func find(_ candidates: [String]) -> String? {
        candidates.first { access($0, X_OK) == 0 }
    }
}
