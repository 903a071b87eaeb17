import BerthKernel

/// A ``Mounts`` for unit tests: records each call as a line (`overlay lowerdir=... at /x`, `bind /a at /b`,
/// `unmount /x`), keeps what is mounted, and fails the mounts whose target is in `failing` with `errno`.
public final class RecordingMounts: Mounts, @unchecked Sendable {
    private let lock = NSLockish()
    private var _calls: [String] = []
    private var _mounted: [String] = []
    public var failing: Set<String> = []
    public var errno: Int32 = 1  // EPERM

    public init() {}

    public var calls: [String] { lock.with { _calls } }
    /// The targets mounted and not unmounted since, oldest first.
    public var mounted: [String] { lock.with { _mounted } }

    public func mountOverlay(_ stack: OverlayStack, at target: String) throws {
        try record("overlay \(stack.options) at \(target)", target)
    }

    public func bind(_ source: String, at target: String, recursive: Bool) throws {
        try record("bind\(recursive ? " -r" : "") \(source) at \(target)", target)
    }

    public func remountReadOnly(_ target: String) throws {
        try lock.with {
            _calls.append("remount ro \(target)")
            if failing.contains(target) { throw MountFailure(step: "remount ro \(target)", errno: errno) }
        }
    }

    public func unmount(_ target: String, detach: Bool) {
        lock.with {
            _calls.append("unmount\(detach ? " -l" : "") \(target)")
            if let i = _mounted.lastIndex(of: target) { _mounted.remove(at: i) }
        }
    }

    private func record(_ line: String, _ target: String) throws {
        try lock.with {
            _calls.append(line)
            if failing.contains(target) { throw MountFailure(step: line, errno: errno) }
            _mounted.append(target)
        }
    }
}

/// A ``Spawner`` for unit tests: records each argument vector and answers from `responses` (by the command line,
/// else `status` 0 with no output); `start` hands out pids from 1000 up.
public final class RecordingSpawner: Spawner, @unchecked Sendable {
    private let lock = NSLockish()
    private var _requests: [SpawnRequest] = []
    private var nextPid: Int32 = 1000
    /// Canned results by the joined command line.
    public var responses: [String: SpawnResult] = [:]

    public init() {}

    public var requests: [SpawnRequest] { lock.with { _requests } }
    /// Each request's command line, with `< input` when it had one.
    public var commands: [String] {
        requests.map { r in
            r.argv.joined(separator: " ") + (r.input.map { " < " + String(decoding: $0, as: UTF8.self) } ?? "")
        }
    }

    public func start(_ request: SpawnRequest) throws -> Int32 {
        lock.with {
            _requests.append(request)
            nextPid += 1
            return nextPid
        }
    }

    public func run(_ request: SpawnRequest) throws -> SpawnResult {
        lock.with {
            _requests.append(request)
            return responses[request.argv.joined(separator: " ")] ?? SpawnResult(status: 0, stdout: [], stderr: [])
        }
    }
}
