import CSSH2
import Foundation

/// One libssh2 session channel (exec, shell or subsystem). Reads and writes are non-blocking and
/// return libssh2's raw result, so pumps can multiplex; setup steps wait through `SSHSession.call`.
final class SSHChannel {
    let session: SSHSession
    private(set) var raw: OpaquePointer?
    /// The LIBSSH2_SESSION this channel belongs to; once the session is closed, libssh2 has freed the channel.
    private let sessionRaw: OpaquePointer

    private init(session: SSHSession, raw: OpaquePointer, sessionRaw: OpaquePointer) {
        self.session = session
        self.raw = raw
        self.sessionRaw = sessionRaw
    }

    deinit { free() }

    static func open(on session: SSHSession) throws -> SSHChannel {
        let sessionRaw = try session.requireOpen()
        let raw = try session.callPointer("open channel") { cssh2_channel_open_session(sessionRaw) }
        return SSHChannel(session: session, raw: raw, sessionRaw: sessionRaw)
    }

    func requireRaw() throws -> OpaquePointer {
        guard let raw, session.raw == sessionRaw else { throw SSHError.closed(session.peer) }
        return raw
    }

    func exec(_ command: String) throws {
        let raw = try requireRaw()
        try session.call("exec request") { cssh2_channel_exec(raw, command) }
    }

    func shell() throws {
        let raw = try requireRaw()
        try session.call("shell request") { cssh2_channel_shell(raw) }
    }

    func subsystem(_ name: String) throws {
        let raw = try requireRaw()
        try session.call("\(name) subsystem request") { cssh2_channel_subsystem(raw, name) }
    }

    func requestPTY(term: String, columns: Int32, rows: Int32) throws {
        let raw = try requireRaw()
        try session.call("pty request") { cssh2_channel_request_pty(raw, term, columns, rows) }
    }

    /// Sends a window-change request; returns libssh2's code (EAGAIN possible).
    func resizePTY(columns: Int32, rows: Int32) -> Int32 {
        guard let raw = try? requireRaw() else { return LIBSSH2_ERROR_BAD_USE }
        return cssh2_channel_request_pty_size(raw, columns, rows)
    }

    /// Reads from stream 0 (stdout) or 1 (stderr): bytes read, 0 at end, or a negative libssh2 code.
    func read(stream: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let raw = try? requireRaw(), let base = buffer.baseAddress else { return Int(LIBSSH2_ERROR_BAD_USE) }
        return libssh2_channel_read_ex(raw, stream, base.assumingMemoryBound(to: CChar.self), buffer.count)
    }

    /// Writes to the channel's stdin: bytes accepted or a negative libssh2 code.
    func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        guard let raw = try? requireRaw(), let base = buffer.baseAddress else { return Int(LIBSSH2_ERROR_BAD_USE) }
        return libssh2_channel_write_ex(raw, 0, base.assumingMemoryBound(to: CChar.self), buffer.count)
    }

    /// Writes all of `bytes`, waiting as needed.
    func writeAll(_ bytes: [UInt8], operation: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = try session.call(operation) {
                bytes.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            }
            offset += n
        }
    }

    /// Reads exactly `count` bytes from stdout, waiting as needed; throws if the channel ends first.
    func readExactly(_ count: Int, operation: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = try session.call(operation) {
                out.withUnsafeMutableBytes { read(stream: 0, into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            }
            if n == 0 {
                throw SSHError.connectionLost(session.peer, operation: operation, reason: "channel closed by the server")
            }
            got += n
        }
        return out
    }

    /// Half-closes: tells the remote side no more input follows. Returns libssh2's code.
    func sendEOF() -> Int32 {
        guard let raw = try? requireRaw() else { return LIBSSH2_ERROR_BAD_USE }
        return libssh2_channel_send_eof(raw)
    }

    /// True once the remote side sent EOF.
    var remoteEOF: Bool {
        guard let raw = try? requireRaw() else { return true }
        return libssh2_channel_eof(raw) != 0
    }

    /// Closes the channel and waits for the server's close, so the exit status has arrived.
    func closeAndWait() throws {
        let raw = try requireRaw()
        try session.call("close channel") { libssh2_channel_close(raw) }
        try session.call("close channel") { libssh2_channel_wait_closed(raw) }
    }

    /// The command's exit status; 128 + signal number if it was killed by a signal (255 for a signal
    /// this side cannot number).
    func exitStatus() throws -> Int32 {
        let raw = try requireRaw()
        var name = [CChar](repeating: 0, count: 64)
        if cssh2_channel_exit_signal(sessionRaw, raw, &name, name.count) == 1 {
            let text = String(decoding: name.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return Self.signalNumber(text).map { 128 + $0 } ?? 255
        }
        return libssh2_channel_get_exit_status(raw)
    }

    /// Numbers for the RFC 4254 signal names (Linux numbering).
    static func signalNumber(_ name: String) -> Int32? {
        let bare = name.hasPrefix("SIG") ? String(name.dropFirst(3)) : name
        let table: [String: Int32] = [
            "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
            "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
        ]
        return table[bare]
    }

    /// Frees the channel (best effort, bounded wait). Safe to call twice.
    func free() {
        guard let raw else { return }
        self.raw = nil
        guard session.raw == sessionRaw else { return } // freed with the session
        _ = try? session.call("free channel", timeout: 5) { libssh2_channel_free(raw) }
    }
}
