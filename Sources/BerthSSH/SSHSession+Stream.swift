import BerthCore
import CSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// What a streamed command left: its exit status and (the first 64 KiB of) its stderr.
    public struct StreamResult: Sendable {
        public var exitStatus: Int32
        public var stderr: Data
    }

    /// Runs `command` with stdin fed from `input` and stdout handed to `output` as it arrives, without collecting
    /// either: for streams of any size (a tar of a volume). `input(buffer)` fills the buffer and returns the count,
    /// 0 at the end (then the channel gets EOF); nil sends EOF at once. Either callback may block (a bounded relay)
    /// and may throw to abandon the command. The exit status is 128 + n when signal n ended the command.
    public func stream(_ command: String, input: ((UnsafeMutableRawBufferPointer) throws -> Int)?,
                       output: (UnsafeRawBufferPointer) throws -> Void) throws -> StreamResult {
        let channel = try SSHChannel.open(on: self)
        defer { channel.free() }
        try channel.exec(command)

        let chunk = 256 * 1024
        let pending = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { pending.deallocate() }
        var pendingStart = 0, pendingEnd = 0
        var inputEnded = input == nil
        var eofSent = false
        var stderr = Data()
        let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { readBuffer.deallocate() }
        // While input flows, output is drained once per `drainEvery` bytes sent or whenever a write stalls: each
        // drain costs libssh2 a receive call per stream, which at one per 32 kB packet was most of the syscalls of
        // an upload (channel writes already take in the window adjustments that keep the upload going).
        let drainEvery = 1 << 20
        var sentSinceDrain = 0

        while true {
            var progressed = false
            var blockedOutbound = false

            if !eofSent {
                if pendingStart == pendingEnd, !inputEnded, let input {
                    let n = try input(pending)
                    pendingStart = 0
                    pendingEnd = n
                    if n == 0 { inputEnded = true }
                }
                if pendingStart < pendingEnd {
                    let n = channel.write(UnsafeRawBufferPointer(rebasing: pending[pendingStart..<pendingEnd]))
                    if n > 0 {
                        pendingStart += n
                        sentSinceDrain += n
                        progressed = true
                    } else if n == Int(LIBSSH2_ERROR_EAGAIN) {
                        blockedOutbound = outboundBlocked()
                    } else if n < 0 {
                        // The command stopped reading (it failed or exited): drop the rest, keep its status.
                        try rethrowTransport(Int32(truncatingIfNeeded: n), operation: "writing to `\(command)`")
                        inputEnded = true
                        eofSent = true
                        pendingStart = pendingEnd
                    }
                } else if inputEnded {
                    let rc = channel.sendEOF()
                    if rc != LIBSSH2_ERROR_EAGAIN {
                        if rc < 0 { try rethrowTransport(rc, operation: "closing stdin") }
                        eofSent = true
                        progressed = true
                    } else {
                        blockedOutbound = outboundBlocked()
                    }
                }
            }

            if progressed && !eofSent && sentSinceDrain < drainEvery { continue }
            sentSinceDrain = 0
            let readSomething = try drainOutput(channel, into: readBuffer, command: command) { stream, chunk in
                if stream == 1 {
                    try output(chunk)
                } else if stderr.count < 64 * 1024 {
                    stderr.append(contentsOf: chunk)
                }
            }
            if !readSomething && channel.remoteEOF {
                // The command is done. A write that the full socket left half sent is finished first, though:
                // libssh2 refuses any other packet on the session (closing this channel too) until then.
                if pendingStart < pendingEnd && blockedOutbound {
                    try waitForStreamTraffic(outbound: true)
                    continue
                }
                break
            }
            if readSomething || progressed { continue }
            // Input still to come from a blocking producer: ask it again rather than wait on the socket alone.
            if !eofSent, pendingStart == pendingEnd, !inputEnded { continue }
            try waitForStreamTraffic(outbound: blockedOutbound)
        }

        try channel.closeAndWait()
        return StreamResult(exitStatus: try channel.exitStatus(), stderr: stderr)
    }

    /// Reads whatever stdout (stream 1) and stderr (stream 2) have ready into `buffer`, handing each chunk to
    /// `body`; true when anything was read.
    func drainOutput(_ channel: SSHChannel, into buffer: UnsafeMutableRawBufferPointer, command: String,
                     _ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        var readSomething = false
        for (stream, streamID) in [(1, Int32(0)), (2, Int32(SSH_EXTENDED_DATA_STDERR))] {
            while true {
                let n = channel.read(stream: streamID, into: buffer)
                if n > 0 {
                    try body(stream, UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                    readSomething = true
                    continue
                }
                if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) {
                    throw failure(Int32(truncatingIfNeeded: n), operation: "reading output of `\(command)`")
                }
                break
            }
        }
        return readSomething
    }

    /// Waits for the socket in the directions libssh2 is blocked on. Unlike `waitForChannelTraffic` it sends no
    /// keepalive: a stream may have a partly sent packet pending, which libssh2 must resume before any other.
    private func waitForStreamTraffic(outbound: Bool) throws {
        let raw = try requireOpen()
        let directions = libssh2_session_block_directions(raw)
        var events = Int16(POLLIN)
        if outbound || directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        var fd = pollfd(fd: socket, events: events, revents: 0)
        while poll(&fd, 1, 1000) < 0 {
            let e = errno
            if e == EINTR { continue }
            throw SSHError.connectionLost(peer, operation: "streaming", reason: String(cString: strerror(e)))
        }
    }
}
