import BerthCore
import CSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Runs `command` through the remote user's shell on a new exec channel.
    ///
    /// `stdin`, when given, is written and then closed (EOF); without it the command sees EOF at once.
    /// Stdout and stderr are read together as they arrive, so neither side can stall the other, and
    /// `onOutput(1 or 2, chunk)` sees each chunk. Both are also collected in the result.
    /// The exit status is the command's, or 128 + signal number if a signal killed it.
    public func run(_ command: String, stdin: Data?, onOutput: ((Int, Data) -> Void)?) throws -> CommandResult {
        let channel = try SSHChannel.open(on: self)
        defer { channel.free() }
        try channel.exec(command)

        var result = CommandResult(exitStatus: 0)
        let input = [UInt8](stdin ?? Data())
        var written = 0
        var inputDone = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        while true {
            var progressed = false
            var blockedOutbound = false

            if !inputDone {
                if written < input.count {
                    let n = input.withUnsafeBytes { channel.write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
                    if n > 0 {
                        written += n
                        progressed = true
                    } else if n == Int(LIBSSH2_ERROR_EAGAIN) {
                        blockedOutbound = outboundBlocked()
                    } else if n < 0 {
                        // The command stopped reading (exited or closed stdin): drop the rest.
                        try rethrowTransport(Int32(truncatingIfNeeded: n), operation: "writing stdin")
                        written = input.count
                    }
                }
                if written >= input.count {
                    let rc = channel.sendEOF()
                    if rc != LIBSSH2_ERROR_EAGAIN {
                        if rc < 0 { try rethrowTransport(rc, operation: "closing stdin") }
                        inputDone = true
                        progressed = true
                    } else {
                        blockedOutbound = blockedOutbound || outboundBlocked()
                    }
                }
            }

            let readSomething = try buffer.withUnsafeMutableBytes { raw in
                try drainOutput(channel, into: raw, command: command) { stream, bytes in
                    let chunk = Data(bytes)
                    if stream == 1 { result.stdout.append(chunk) } else { result.stderr.append(chunk) }
                    onOutput?(stream, chunk)
                }
            }
            if !readSomething && channel.remoteEOF { break }
            if readSomething || progressed { continue }
            try waitForChannelTraffic(outbound: blockedOutbound, extra: [])
        }

        try channel.closeAndWait()
        result.exitStatus = try channel.exitStatus()
        return result
    }

    /// True when libssh2's last EAGAIN was on sending (kernel buffer full).
    func outboundBlocked() -> Bool {
        guard let raw else { return false }
        return libssh2_session_block_directions(raw) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
    }

    /// Throws for transport-level failures; returns for channel-level ones the caller can absorb.
    func rethrowTransport(_ code: Int32, operation: String) throws {
        switch code {
        case LIBSSH2_ERROR_CHANNEL_CLOSED, LIBSSH2_ERROR_CHANNEL_EOF_SENT, LIBSSH2_ERROR_CHANNEL_UNKNOWN,
             LIBSSH2_ERROR_CHANNEL_FAILURE, LIBSSH2_ERROR_CHANNEL_WINDOW_EXCEEDED:
            return
        default:
            throw failure(code, operation: operation)
        }
    }

    /// Waits without a deadline for the SSH socket (inbound, plus outbound when `outbound`) or any of
    /// `extra`, sending keepalives on schedule. Returns the revents of `extra`, in order.
    @discardableResult
    func waitForChannelTraffic(outbound: Bool, extra: [pollfd]) throws -> [pollfd] {
        let raw = try requireOpen()
        let blockedOut = outbound || libssh2_session_block_directions(raw) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
        var nextKeepalive: Int32 = 0
        // Not while a packet is half sent: libssh2 refuses a new one then (LIBSSH2_ERROR_BAD_USE), and the
        // traffic under way keeps the connection alive anyway.
        if !blockedOut {
            let rc = libssh2_keepalive_send(raw, &nextKeepalive)
            if rc < 0 && rc != LIBSSH2_ERROR_EAGAIN && rc != LIBSSH2_ERROR_BAD_USE {
                throw failure(rc, operation: "keepalive")
            }
        }
        var events = Int16(POLLIN)
        if blockedOut { events |= Int16(POLLOUT) }
        var fds = [pollfd(fd: socket, events: events, revents: 0)] + extra
        let timeout: Int32 = nextKeepalive > 0 ? nextKeepalive * 1000 : -1
        while true {
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n >= 0 { break }
            let e = errno
            if e == EINTR { continue }
            throw SSHError.connectionLost(peer, operation: "waiting for the channel", reason: String(cString: strerror(e)))
        }
        return Array(fds.dropFirst())
    }
}
