import CKernelShim
import Glibc

/// Who a file operation acts as: a user of this host's `/etc/passwd`, with the groups `/etc/group` gives it.
///
/// ``run(_:)`` performs work on a thread of its own whose file-system uid, gid and groups are that user's (the
/// thread's alone: the agent's other threads stay root), with umask 022 and the user's home as working directory.
/// The kernel checks every open, create and rename of that thread as the user's, and drops root's file
/// capabilities for it, so the work is allowed or refused exactly as it would be for the user's own process.
public struct FileIdentity: Sendable, Equatable {
    public var user: String
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]
    public var home: String
    public static let umask: UInt32 = 0o022

    public init(user: String, uid: UInt32, gid: UInt32, groups: [UInt32], home: String) {
        self.user = user
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.home = home
    }

    public struct UnknownUser: Error, CustomStringConvertible {
        public var user: String
        public var description: String { "no user \(user) on this host" }
    }

    /// Looks `user` up (getpwnam_r, getgrouplist).
    public static func lookup(_ user: String) throws -> FileIdentity {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 << 10)
        let rc = getpwnam_r(user, &entry, &buffer, buffer.count, &result)
        guard rc == 0, result != nil else { throw UnknownUser(user: user) }
        let uid = entry.pw_uid
        let gid = entry.pw_gid
        let home = entry.pw_dir.map { String(cString: $0) } ?? "/"
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(user, gid, &groups, &count)
        }
        return FileIdentity(user: user, uid: uid, gid: gid, groups: Array(groups.prefix(Int(max(count, 0)))),
                            home: home)
    }

    /// Runs `body` on a new thread acting as this identity and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let job = IdentityJob(identity: self) {
                continuation.resume(with: Result { try body() })
            } refused: { error in
                continuation.resume(throwing: error)
            }
            job.start()
        }
    }

    /// Runs `body` on a new thread acting as this identity, waiting for it (for callers off the async pool).
    public func runBlocking<T>(_ body: @escaping () throws -> T) throws -> T {
        var outcome: Result<T, Error>?
        let job = IdentityJob(identity: self) { outcome = Result { try body() } } refused: { outcome = .failure($0) }
        try job.startAndJoin()
        return try outcome!.get()
    }
}

/// The identity could not be taken (the agent is not root, a group list too long for the kernel).
public struct IdentityFailure: Error, CustomStringConvertible {
    public var user: String
    public var errno: Int32
    public var description: String { "cannot act as \(user): \(String(cString: strerror(errno)))" }
}

private final class IdentityJob: @unchecked Sendable {
    let identity: FileIdentity
    let work: () -> Void
    let refused: (Error) -> Void

    init(identity: FileIdentity, work: @escaping () -> Void, refused: @escaping (Error) -> Void) {
        self.identity = identity
        self.work = work
        self.refused = refused
    }

    func main() {
        let rc = identity.groups.withUnsafeBufferPointer { groups in
            berth_kernel_thread_identity(identity.uid, identity.gid, groups.baseAddress, Int32(groups.count),
                                         FileIdentity.umask, identity.home)
        }
        if rc != 0 { refused(IdentityFailure(user: identity.user, errno: errno)) } else { work() }
    }

    private func spawn() throws -> pthread_t {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<IdentityJob>.fromOpaque(raw!).takeRetainedValue()
            job.main()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<IdentityJob>.fromOpaque(context).release()
            throw IdentityFailure(user: identity.user, errno: rc)
        }
        return thread
    }

    func start() {
        do { pthread_detach(try spawn()) } catch { refused(error) }
    }

    func startAndJoin() throws {
        let thread = try spawn()
        pthread_join(thread, nil)
    }
}
