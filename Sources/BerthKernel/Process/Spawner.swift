import CKernelShim
import Glibc

/// A program to start: its argument vector, environment and standard streams.
public struct SpawnRequest: Sendable {
    /// Where a standard output stream goes.
    public enum Output: Sendable, Equatable {
        /// Kept in memory and returned by ``Spawner/run(_:)``.
        case capture
        /// Into the same memory as stdout (stderr only): one interleaved text, as a terminal shows it.
        case withStdout
        /// Appended to a file (created 0600 when missing).
        case file(String)
        /// /dev/null.
        case discard
    }

    public var argv: [String]
    /// nil: this process's environment.
    public var environment: [String]?
    /// Bytes on stdin; nil: /dev/null.
    public var input: [UInt8]?
    public var stdout: Output
    public var stderr: Output
    /// argv[0] without a slash is looked up in PATH (else it must be a path).
    public var searchPath: Bool
    /// The child starts a new session, so it outlives this process's terminal and process group.
    public var newSession: Bool

    public init(_ argv: [String], environment: [String]? = nil, input: [UInt8]? = nil, stdout: Output = .capture,
                stderr: Output = .capture, searchPath: Bool = true, newSession: Bool = false) {
        self.argv = argv
        self.environment = environment
        self.input = input
        self.stdout = stdout
        self.stderr = stderr
        self.searchPath = searchPath
        self.newSession = newSession
    }

    /// A system tool (an absolute path) as the agent runs them: fixed environment, stdout and stderr together.
    public static func tool(_ argv: [String], input: String? = nil) -> SpawnRequest {
        SpawnRequest(argv, environment: toolEnvironment, input: input.map { Array($0.utf8) }, stdout: .capture,
                     stderr: .withStdout, searchPath: false)
    }

    public static let toolEnvironment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]

    var command: String { argv.joined(separator: " ") }
}

/// How a process that was run to its end ended.
public struct SpawnResult: Sendable {
    /// The exit status; 128+n when killed by signal n.
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var output: String { String(decoding: stdout, as: UTF8.self) }
    public init(status: Int32, stdout: [UInt8] = [], stderr: [UInt8] = []) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
    public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
}

/// A program that could not start, or ended with a non-zero status (then `status` > 0).
public struct SpawnFailure: Error, CustomStringConvertible, Sendable {
    public var command: String
    /// The exit status; -1: it did not start.
    public var status: Int32
    /// What it said (stderr, or the combined output), or why it did not start.
    public var output: String
    public var description: String {
        let last = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let head = status < 0 ? command : "\(command): exit \(status)"
        return head + (last.isEmpty ? "" : ": \(last)")
    }
}

/// Starts processes: the one way the agent, the runtime and the controller spawn programs (container processes are
/// cloned by the runtime's C shim, which needs namespaces posix_spawn cannot give).
public protocol Spawner: Sendable {
    /// Starts the program and returns its pid without waiting for it. Captured streams are not available here:
    /// use files or /dev/null.
    func start(_ request: SpawnRequest) throws -> pid_t
    /// Starts the program, waits for it to end and returns its status and captured output.
    func run(_ request: SpawnRequest) throws -> SpawnResult
}

extension Spawner {
    /// Runs and throws ``SpawnFailure`` on a non-zero exit; returns stdout (with stderr when it was combined).
    @discardableResult
    public func check(_ request: SpawnRequest) throws -> String {
        let result = try run(request)
        guard result.status == 0 else {
            let said = result.stderr.isEmpty ? result.output : result.errorOutput
            throw SpawnFailure(command: request.command, status: result.status, output: said)
        }
        return result.output
    }
}

/// ``Spawner`` over posix_spawn (a vfork: a large agent does not pay for copying its page tables). Captured output
/// goes to memfds, so neither stream can fill up and block the child while the other is read.
public struct SystemSpawner: Spawner {
    public init() {}

    public func start(_ request: SpawnRequest) throws -> pid_t {
        guard request.stdout != .capture, request.stdout != .withStdout, request.stderr != .capture else {
            throw SpawnFailure(command: request.command, status: -1, output: "start cannot capture output")
        }
        var streams = try Streams(request)
        defer { streams.close() }
        return try spawn(request, streams)
    }

    public func run(_ request: SpawnRequest) throws -> SpawnResult {
        var streams = try Streams(request)
        defer { streams.close() }
        let pid = try spawn(request, streams)
        let status = try Self.wait(pid, command: request.command)
        return SpawnResult(status: status, stdout: request.stdout == .capture ? streams.captured(streams.out) : [],
                           stderr: request.stderr == .capture ? streams.captured(streams.err) : [])
    }

    /// Waits for `pid` (a child of this process); its exit status, 128+n when killed by signal n.
    public static func wait(_ pid: pid_t, command: String) throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SpawnFailure(command: command, status: -1, output: "waitpid: \(Self.why())") }
        }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    private func spawn(_ request: SpawnRequest, _ streams: Streams) throws -> pid_t {
        guard !request.argv.isEmpty else { throw SpawnFailure(command: "", status: -1, output: "nothing to run") }
        let environment = request.environment ?? Self.currentEnvironment()
        let pid = Self.withCStrings(request.argv) { args in
            Self.withCStrings(environment) { env in
                berth_kernel_spawn(args, env, request.searchPath ? 1 : 0, request.newSession ? 1 : 0, streams.input,
                                   streams.out, streams.err)
            }
        }
        guard pid > 0 else { throw SpawnFailure(command: request.command, status: -1, output: "cannot start: \(Self.why())") }
        return pid
    }

    /// The descriptors of one spawn: memfds for input and captured output, files opened for appending.
    struct Streams {
        var input: Int32 = -1
        var out: Int32 = -1
        var err: Int32 = -1
        var owned: [Int32] = []

        init(_ request: SpawnRequest) throws {
            do {
                if let bytes = request.input {
                    input = try memfd("berth-in")
                    guard FileSystem.writeAll(input, bytes) else { throw Self.failure(request, "write stdin") }
                    lseek(input, 0, SEEK_SET)
                }
                out = try open(request.stdout, request, shared: -1)
                err = try open(request.stderr, request, shared: out)
            } catch {
                close()
                throw error
            }
        }

        mutating func open(_ output: SpawnRequest.Output, _ request: SpawnRequest, shared: Int32) throws -> Int32 {
            switch output {
            case .discard: return -1
            case .withStdout: return shared
            case .capture: return try memfd("berth-out")
            case .file(let path):
                let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw Self.failure(request, "open \(path)") }
                owned.append(fd)
                return fd
            }
        }

        mutating func memfd(_ name: String) throws -> Int32 {
            let fd = berth_kernel_memfd(name)
            guard fd >= 0 else { throw SpawnFailure(command: name, status: -1, output: "memfd_create: \(SystemSpawner.why())") }
            owned.append(fd)
            return fd
        }

        func captured(_ fd: Int32) -> [UInt8] {
            guard fd >= 0, fd != input, owned.contains(fd) else { return [] }
            lseek(fd, 0, SEEK_SET)
            return FileSystem.readAll(fd)
        }

        mutating func close() {
            for fd in Set(owned) { Glibc.close(fd) }
            owned = []
        }

        static func failure(_ request: SpawnRequest, _ what: String) -> SpawnFailure {
            SpawnFailure(command: request.command, status: -1, output: "\(what): \(SystemSpawner.why())")
        }
    }

    static func why() -> String { String(cString: strerror(errno)) }

    static func currentEnvironment() -> [String] {
        var result: [String] = []
        var p = environ
        while let entry = p.pointee {
            result.append(String(cString: entry))
            p += 1
        }
        return result
    }

    static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var array: [UnsafePointer<CChar>?] = pointers.map { UnsafePointer($0) }
        array.append(nil)
        return array.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
