import CSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Runs a login shell (`command` nil) or `command` wired to this process's stdin, stdout and stderr,
    /// and returns its exit status (128 + signal number if a signal killed it).
    ///
    /// When stdin is a terminal: a pty is requested with `$TERM` and the terminal's current size, the
    /// local terminal is switched to raw mode for the duration (restored on every return and throw), and
    /// window-size changes (SIGWINCH) are forwarded. Without a terminal no pty is requested. Either way,
    /// end of local input half-closes the channel (EOF) and output keeps flowing until the remote side
    /// finishes.
    public func interactive(command: String?) throws -> Int32 {
        let tty = isatty(0) == 1
        let channel = try SSHChannel.open(on: self)
        defer { channel.free() }

        var size = Self.terminalSize(0)
        if tty {
            let term = getenv("TERM").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "xterm"
            try channel.requestPTY(term: term, columns: size.columns, rows: size.rows)
        }
        if let command { try channel.exec(command) } else { try channel.shell() }

        var rawMode: TerminalRawMode?
        var winchFD: Int32 = -1
        defer {
            rawMode?.restore()
            if winchFD >= 0 { cssh2_winch_uninstall() }
        }
        if tty {
            rawMode = try? TerminalRawMode.enable(fd: 0)
            winchFD = cssh2_winch_install()
        }

        var input = [UInt8](repeating: 0, count: 32 * 1024)
        var pending: ArraySlice<UInt8> = []
        var stdinOpen = true
        var eofSent = false
        var output = [UInt8](repeating: 0, count: 64 * 1024)

        while true {
            var progressed = false
            var blockedOutbound = false

            // Local input -> channel, holding back further reads until what we have is accepted.
            if !pending.isEmpty {
                let n = pending.withUnsafeBytes { channel.write($0) }
                if n > 0 {
                    pending = pending.dropFirst(n)
                    progressed = true
                } else if n == Int(LIBSSH2_ERROR_EAGAIN) {
                    blockedOutbound = outboundBlocked()
                } else if n < 0 {
                    try rethrowTransport(Int32(truncatingIfNeeded: n), operation: "sending input")
                    pending = []
                    stdinOpen = false
                    eofSent = true
                }
            }
            if !stdinOpen && pending.isEmpty && !eofSent {
                let rc = channel.sendEOF()
                if rc != LIBSSH2_ERROR_EAGAIN {
                    eofSent = true
                    progressed = true
                }
            }

            // Channel -> stdout / stderr.
            var readSomething = false
            for (streamID, fd) in [(Int32(0), Int32(1)), (Int32(SSH_EXTENDED_DATA_STDERR), Int32(2))] {
                while true {
                    let n = output.withUnsafeMutableBytes { channel.read(stream: streamID, into: $0) }
                    if n > 0 {
                        Self.writeAll(fd, output[0..<n])
                        readSomething = true
                        continue
                    }
                    if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) {
                        throw failure(Int32(truncatingIfNeeded: n), operation: "reading remote output")
                    }
                    break
                }
            }
            if !readSomething && channel.remoteEOF { break }
            if readSomething || progressed { continue }

            var extra: [pollfd] = []
            let watchStdin = stdinOpen && pending.isEmpty
            if watchStdin { extra.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            if winchFD >= 0 { extra.append(pollfd(fd: winchFD, events: Int16(POLLIN), revents: 0)) }
            let ready = try waitForChannelTraffic(outbound: blockedOutbound, extra: extra)

            if watchStdin, let stdinReady = ready.first, stdinReady.revents != 0 {
                var readError: Int32 = 0
                let n = input.withUnsafeMutableBytes { buffer -> Int in
                    let r = Glibc.read(0, buffer.baseAddress, buffer.count)
                    if r < 0 { readError = errno }
                    return r
                }
                if n > 0 {
                    pending = input[0..<n]
                } else if n == 0 || (readError != EINTR && readError != EAGAIN) {
                    stdinOpen = false
                }
            }
            if winchFD >= 0, cssh2_winch_take() != 0 {
                let now = Self.terminalSize(0)
                if now.columns != size.columns || now.rows != size.rows {
                    size = now
                    _ = try? call("window change", timeout: 5) { channel.resizePTY(columns: now.columns, rows: now.rows) }
                }
            }
        }

        try channel.closeAndWait()
        return try channel.exitStatus()
    }

    /// The terminal size of `fd`, or 80x24.
    static func terminalSize(_ fd: Int32) -> (columns: Int32, rows: Int32) {
        var cols: Int32 = 0, rows: Int32 = 0, xpixel: Int32 = 0, ypixel: Int32 = 0
        guard cssh2_get_winsize(fd, &cols, &rows, &xpixel, &ypixel) == 0, cols > 0, rows > 0 else { return (80, 24) }
        return (cols, rows)
    }

    /// Writes everything to a local descriptor, riding out EINTR and a non-blocking descriptor's EAGAIN.
    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while !rest.isEmpty {
            var e: Int32 = 0
            let n = rest.withUnsafeBytes { buffer -> Int in
                let r = Glibc.write(fd, buffer.baseAddress, buffer.count)
                if r < 0 { e = errno }
                return r
            }
            if n > 0 {
                rest = rest.dropFirst(n)
                continue
            }
            if n < 0 && e == EINTR { continue }
            if n < 0 && e == EAGAIN {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 1000)
                continue
            }
            return // the reader went away; drop output like ssh does
        }
    }
}
