import BerthCore
import CSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An authenticated SSH connection to one host: commands over exec channels, files over SFTP.
///
/// Get one from `SSHSession.connect(_:)` or `SSHConnector`. Connecting does TCP (bounded by the
/// endpoint's `connectTimeout`), the SSH handshake, host-key pinning against the endpoint's
/// known-hosts file, and public-key authentication.
///
/// **Threads:** a session is not thread-safe. Use it from one thread at a time (calls may come from
/// different threads, but never overlap); open one session per concurrent worker. `SFTPClient` and
/// `SFTPFile` values share their session's rule.
///
/// libssh2 runs in non-blocking mode; every wait is a poll(2) on the socket bounded by
/// `operationTimeout`, except the wait for a running command's output, which is unbounded (commands may
/// be silent for long) but sends SSH keepalives every 15 seconds.
public final class SSHSession: RemoteShell {
    /// Where this session is connected.
    public let endpoint: SSHEndpoint
    /// The host as named in error messages.
    public let peer: SSHPeer
    /// Seconds a single step (an SFTP request, a channel open) may wait without progress.
    public var operationTimeout: Double
    /// The key the server presented.
    public private(set) var hostKey: HostKey?
    func hostKeyPresented(_ key: HostKey) { hostKey = key }
    /// What authenticated the session: a key file path or `ssh-agent (<comment>)`.
    public private(set) var authenticatedWith: String?
    func authenticated(with what: String) { authenticatedWith = what }

    let socket: Int32
    /// The LIBSSH2_SESSION; nil once closed.
    private(set) var raw: OpaquePointer?
    /// The LIBSSH2_SFTP, started on first use.
    private var sftpRaw: OpaquePointer?
    /// Bumped whenever the SFTP subsystem is shut down, so stale file handles are never used.
    private(set) var sftpGeneration = 0
    /// Closers for SFTP files still open, run before the SFTP subsystem shuts down.
    private var openFileClosers: [ObjectIdentifier: () -> Void] = [:]
    /// A second, raw SFTP channel for what libssh2 1.10 cannot do (posix-rename@openssh.com, SYMLINK).
    var sideChannel: SFTPSideChannel?
    /// The server refused the side channel once; do not ask again.
    var sideChannelFailed = false
    /// Set after a transport failure: close() then skips the polite goodbyes.
    private var broken = false

    /// Where authentication finds default keys and the agent.
    let authSources: AuthSources

    private init(endpoint: SSHEndpoint, socket: Int32, raw: OpaquePointer, operationTimeout: Double,
                 authSources: AuthSources) {
        self.endpoint = endpoint
        self.authSources = authSources
        self.peer = SSHPeer(endpoint)
        self.socket = socket
        self.raw = raw
        self.operationTimeout = operationTimeout
    }

    deinit { close() }

    /// Connects, verifies the host key and authenticates.
    /// - Parameter operationTimeout: see `operationTimeout`.
    public static func connect(_ endpoint: SSHEndpoint, operationTimeout: Double = 120) throws -> SSHSession {
        try connect(endpoint, operationTimeout: operationTimeout, authSources: .environment)
    }

    static func connect(_ endpoint: SSHEndpoint, operationTimeout: Double, authSources: AuthSources) throws -> SSHSession {
        let peer = SSHPeer(endpoint)
        guard LibSSH2.initialize() else {
            throw SSHError.libssh2(peer, operation: "libssh2_init", code: -1, message: "cannot initialize libssh2")
        }
        let fd = try TCPConnector.connect(host: endpoint.host, port: endpoint.port,
                                          timeout: endpoint.connectTimeout, peer: peer)
        guard let raw = cssh2_session_init() else {
            Glibc.close(fd)
            throw SSHError.libssh2(peer, operation: "session init", code: -1, message: "out of memory")
        }
        let session = SSHSession(endpoint: endpoint, socket: fd, raw: raw, operationTimeout: operationTimeout,
                                 authSources: authSources)
        do {
            try session.establish()
        } catch {
            session.close()
            throw error
        }
        return session
    }

    private func establish() throws {
        guard let raw else { throw SSHError.closed(peer) }
        libssh2_session_set_blocking(raw, 0)
        libssh2_session_set_timeout(raw, Self.milliseconds(operationTimeout))
        let pin = try loadHostKeyPin()
        if let pin { preferAlgorithms(of: pin.pinned) }
        do {
            try call("SSH handshake", timeout: endpoint.connectTimeout) { libssh2_session_handshake(raw, socket) }
        } catch SSHError.libssh2(_, _, _, let message) {
            throw SSHError.handshakeFailed(peer, reason: message)
        } catch SSHError.connectionLost(_, _, let reason) {
            throw SSHError.handshakeFailed(peer, reason: reason)
        } catch SSHError.timedOut(_, _, let seconds) {
            throw SSHError.handshakeFailed(peer, reason: "no answer within \(Int(seconds))s")
        }
        try verifyHostKey(pin: pin)
        try authenticate()
        libssh2_keepalive_config(raw, 1, 15)
    }

    /// True until `close()`.
    public var isOpen: Bool { raw != nil }

    /// Ends the session: closes open SFTP files and channels, says goodbye, closes the socket.
    /// Safe to call more than once; the session cannot be used afterwards.
    public func close() {
        guard let raw else { return }
        // Finish in blocking mode with a short limit: the goodbyes are best effort.
        libssh2_session_set_blocking(raw, 1)
        libssh2_session_set_timeout(raw, Self.milliseconds(broken ? 1 : min(operationTimeout, 5)))
        if !broken {
            let closers = openFileClosers
            openFileClosers = [:]
            for closer in closers.values { closer() }
            sideChannel?.close()
            sideChannel = nil
            if let sftp = sftpRaw { _ = libssh2_sftp_shutdown(sftp) }
            _ = cssh2_session_disconnect(raw, "closed by berth")
        }
        sftpRaw = nil
        sftpGeneration += 1
        openFileClosers = [:]
        sideChannel = nil
        _ = libssh2_session_free(raw)
        self.raw = nil
        Glibc.close(socket)
    }

    /// Opens SFTP on this session (started once, then shared).
    public func sftp() throws -> SFTPClient {
        _ = try sftpPointer()
        return SFTPClient(session: self)
    }

    // MARK: - internals shared by the extensions

    func requireOpen() throws -> OpaquePointer {
        guard let raw else { throw SSHError.closed(peer) }
        return raw
    }

    func sftpPointer() throws -> OpaquePointer {
        if let sftpRaw { return sftpRaw }
        let raw = try requireOpen()
        let sftp = try callPointer("SFTP start") { libssh2_sftp_init(raw) }
        sftpRaw = sftp
        return sftp
    }

    /// Abandons the SFTP channel after a transfer stopped part way. libssh2 1.10 may have sent only part of a
    /// pipelined WRITE (or READ) request by then and drops the rest when the handle is closed, which leaves the
    /// server waiting for bytes that never come: every later request on that channel would hang. Closing the
    /// channel ends the server's SFTP process; the next `sftp()` call starts a fresh one. Files opened on the old
    /// channel become invalid.
    func resetSFTP() {
        guard raw != nil, !broken, let sftp = sftpRaw else { return }
        sftpRaw = nil
        sftpGeneration += 1
        openFileClosers = [:]
        _ = try? call("SFTP reset", timeout: min(operationTimeout, 10)) { libssh2_sftp_shutdown(sftp) }
    }

    func registerOpenFile(_ id: ObjectIdentifier, closer: @escaping () -> Void) { openFileClosers[id] = closer }
    func unregisterOpenFile(_ id: ObjectIdentifier) { openFileClosers[id] = nil }

    /// Calls `body` until libssh2 stops answering EAGAIN, waiting on the socket in between, and returns its
    /// non-negative result. Throws the mapped error for any other negative result, or `timedOut` when no
    /// progress is made within `timeout` (default `operationTimeout`) seconds.
    ///
    /// With `watching`, a channel the operation depends on: if the server has closed it and libssh2 still
    /// waits, the wait ends at once (libssh2 1.10 would wait out the timeout for an SFTP reply that cannot
    /// come).
    @discardableResult
    func call<T: BinaryInteger>(_ operation: String, path: String? = nil, timeout: Double? = nil,
                                watching channel: OpaquePointer? = nil, _ body: () -> T) throws -> T {
        _ = try requireOpen()
        let deadline = Deadline(seconds: timeout ?? operationTimeout)
        while true {
            let rc = body()
            if rc >= 0 { return rc }
            let code = Int32(truncatingIfNeeded: rc)
            guard code == LIBSSH2_ERROR_EAGAIN else { throw failure(code, operation: operation, path: path) }
            try checkOpen(channel, operation: operation, path: path)
            try waitSocket(operation, until: deadline)
        }
    }

    /// `call` for libssh2 functions that return a pointer, or NULL with the reason in last_errno.
    func callPointer(_ operation: String, path: String? = nil, timeout: Double? = nil,
                     watching channel: OpaquePointer? = nil, _ body: () -> OpaquePointer?) throws -> OpaquePointer {
        let raw = try requireOpen()
        let deadline = Deadline(seconds: timeout ?? operationTimeout)
        while true {
            if let p = body() { return p }
            let code = libssh2_session_last_errno(raw)
            guard code == LIBSSH2_ERROR_EAGAIN else {
                throw failure(code == 0 ? LIBSSH2_ERROR_ALLOC : code, operation: operation, path: path)
            }
            try checkOpen(channel, operation: operation, path: path)
            try waitSocket(operation, until: deadline)
        }
    }

    /// `call` for an SFTP request: watches the SFTP channel, and resets it if the server closed it.
    @discardableResult
    func sftpCall<T: BinaryInteger>(_ operation: String, path: String, _ body: () -> T) throws -> T {
        do {
            return try call(operation, path: path, watching: sftpRaw.flatMap { libssh2_sftp_get_channel($0) }, body)
        } catch SSHError.libssh2(let p, let op, LIBSSH2_ERROR_CHANNEL_CLOSED, let message) {
            resetSFTP()
            throw SSHError.libssh2(p, operation: op, code: LIBSSH2_ERROR_CHANNEL_CLOSED, message: message)
        }
    }

    /// `callPointer` for an SFTP request: watches the SFTP channel, and resets it if the server closed it.
    func sftpCallPointer(_ operation: String, path: String, _ body: () -> OpaquePointer?) throws -> OpaquePointer {
        do {
            return try callPointer(operation, path: path, watching: sftpRaw.flatMap { libssh2_sftp_get_channel($0) },
                                   body)
        } catch SSHError.libssh2(let p, let op, LIBSSH2_ERROR_CHANNEL_CLOSED, let message) {
            resetSFTP()
            throw SSHError.libssh2(p, operation: op, code: LIBSSH2_ERROR_CHANNEL_CLOSED, message: message)
        }
    }

    /// Throws if the server ended `channel`: EOF, or an exit status or signal from the process behind it
    /// (libssh2 hides EOF while unread data is queued, and a pipelined SFTP writer has unread acks queued).
    private func checkOpen(_ channel: OpaquePointer?, operation: String, path: String?) throws {
        guard let channel, let raw else { return }
        var signal = [CChar](repeating: 0, count: 32)
        let ended = libssh2_channel_eof(channel) != 0 || libssh2_channel_get_exit_status(channel) != 0
            || cssh2_channel_exit_signal(raw, channel, &signal, signal.count) == 1
        guard ended else { return }
        let name = String(decoding: signal.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw SSHError.libssh2(peer, operation: operation + (path.map { " " + $0 } ?? ""),
                               code: LIBSSH2_ERROR_CHANNEL_CLOSED,
                               message: "the server ended the channel"
                                   + (name.isEmpty ? "" : " (signal \(name))"))
    }

    /// Waits until the socket is ready in the direction libssh2 last blocked on, or the deadline passes.
    func waitSocket(_ operation: String, until deadline: Deadline) throws {
        let raw = try requireOpen()
        let directions = libssh2_session_block_directions(raw)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        // No direction recorded: libssh2 is waiting on its own state; look again shortly.
        let cap: Int32 = events == 0 ? 10 : -1
        if events == 0 { events = Int16(POLLIN) }
        var pfd = pollfd(fd: socket, events: events, revents: 0)
        let n = poll(&pfd, 1, deadline.pollTimeout(cappedAt: cap))
        if n < 0 {
            let e = errno
            if e == EINTR { return }
            broken = true
            throw SSHError.connectionLost(peer, operation: operation, reason: "poll: " + String(cString: strerror(e)))
        }
        if n == 0 && deadline.isExpired {
            throw SSHError.timedOut(peer, operation: operation, seconds: deadline.seconds ?? 0)
        }
    }

    /// Maps a libssh2 error code to an `SSHError`, using the session's last-error text.
    func failure(_ code: Int32, operation: String, path: String? = nil) -> SSHError {
        guard let raw else { return .closed(peer) }
        if code == LIBSSH2_ERROR_SFTP_PROTOCOL, let sftpRaw {
            let status = UInt(libssh2_sftp_last_error(sftpRaw))
            if status != 0 { return .sftp(peer, operation: operation, path: path ?? "", status: status) }
        }
        let message = lastErrorMessage(raw)
        switch code {
        case LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
             LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_BANNER_RECV, LIBSSH2_ERROR_BANNER_SEND:
            broken = true
            return .connectionLost(peer, operation: operation, reason: message.isEmpty ? "socket error" : message)
        case LIBSSH2_ERROR_TIMEOUT:
            return .timedOut(peer, operation: operation, seconds: operationTimeout)
        default:
            return .libssh2(peer, operation: operation, code: code, message: message)
        }
    }

    func lastErrorMessage(_ raw: OpaquePointer) -> String {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        _ = libssh2_session_last_error(raw, &message, &length, 0)
        guard let message, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: message, count: Int(length)), as: UTF8.self)
    }

    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int(min(seconds * 1000, Double(Int32.max)))
    }
}
