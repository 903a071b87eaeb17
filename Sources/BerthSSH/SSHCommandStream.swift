import BerthCore
import CSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Streams bytes into a remote command's stdin over one exec channel, then collects its output and exit status.
///
/// This is the quickest way libssh2 has to move bulk data to a host: plain channel data, flow-controlled by the
/// SSH window only, where an SFTP write turns every 30 kB into a request that must be acknowledged in order.
/// Output the command prints while it reads is drained as it comes, so it can never stall the stream.
public final class SSHCommandStream {
    public let session: SSHSession
    public let command: String
    private let channel: SSHChannel
    private var stdout = Data()
    private var stderr = Data()
    /// Set when the command stopped reading before its input ended.
    private var stopped = false
    /// Bytes handed to libssh2 per call; the SSH window decides how much goes out at once.
    static let chunkSize = 1 << 20

    /// Opens the channel and starts `command` (through the remote user's shell, like `run`).
    public init(session: SSHSession, command: String) throws {
        self.session = session
        self.command = command
        channel = try SSHChannel.open(on: session)
        do {
            try channel.exec(command)
        } catch {
            channel.free()
            throw error
        }
    }

    deinit { channel.free() }

    /// Writes what `fill` produces until it returns 0, then sends EOF. `fill` copies up to `buffer.count` bytes into
    /// `buffer` and returns how many; its errors pass through unchanged (the channel is then freed, so the command
    /// sees its input end early). Stops early, without error, when the command stops reading: `finish()` tells why.
    /// Returns the bytes the channel accepted.
    @discardableResult
    public func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int,
                      progress: ((Int64) -> Void)? = nil) throws -> Int64 {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        // A write that returned EAGAIN may have left a packet half sent; libssh2 then refuses any other packet on the
        // session (LIBSSH2_ERROR_BAD_USE) until the same write is repeated. So after EAGAIN the same write is retried,
        // and the loop only gives up on a command that stopped reading when nothing is half sent (libssh2 waits for
        // a window adjustment, not for the socket).
        feeding: while true {
            let n: Int
            do {
                n = try fill(buffer)
            } catch {
                channel.free()
                throw error
            }
            if n <= 0 { break }
            var offset = 0
            while offset < n {
                let w = channel.write(UnsafeRawBufferPointer(rebasing: buffer[offset..<n]))
                if w > 0 {
                    offset += w
                    total += Int64(w)
                    progress?(total)
                } else if w == 0 || w == Int(LIBSSH2_ERROR_EAGAIN) {
                    try drainOutput()
                    let socketFull = session.outboundBlocked()
                    if channel.remoteEOF && !socketFull {
                        stopped = true
                        break feeding
                    }
                    try session.waitForChannelTraffic(outbound: socketFull, extra: [])
                } else {
                    // The command closed its input (it failed or exited): finish() reports it.
                    try session.rethrowTransport(Int32(truncatingIfNeeded: w), operation: "sending to `\(command)`")
                    stopped = true
                    break feeding
                }
            }
        }
        if stopped { return total }
        while true {
            let rc = channel.sendEOF()
            if rc == LIBSSH2_ERROR_EAGAIN {
                try drainOutput()
                try session.waitForChannelTraffic(outbound: session.outboundBlocked(), extra: [])
                continue
            }
            // A channel-level refusal means the command is gone already; finish() tells how it ended.
            if rc < 0 { try session.rethrowTransport(rc, operation: "closing the input of `\(command)`") }
            return total
        }
    }

    /// Waits for the command to end and returns what it printed and its exit status.
    public func finish() throws -> CommandResult {
        while true {
            let got = try drainOutput()
            if !got && channel.remoteEOF { break }
            if !got { try session.waitForChannelTraffic(outbound: false, extra: []) }
        }
        try channel.closeAndWait()
        var result = CommandResult(exitStatus: try channel.exitStatus())
        result.stdout = stdout
        result.stderr = stderr
        channel.free()
        return result
    }

    /// Abandons the command: frees the channel, so it sees its input end.
    public func abandon() {
        channel.free()
    }

    /// Reads whatever stdout and stderr hold now; true when something was read.
    @discardableResult
    private func drainOutput() throws -> Bool {
        var got = false
        var chunk = [UInt8](repeating: 0, count: 32 * 1024)
        for (isError, stream) in [(false, Int32(0)), (true, Int32(SSH_EXTENDED_DATA_STDERR))] {
            while true {
                let n = chunk.withUnsafeMutableBytes { channel.read(stream: stream, into: $0) }
                if n > 0 {
                    if isError { stderr.append(contentsOf: chunk[0..<n]) } else { stdout.append(contentsOf: chunk[0..<n]) }
                    got = true
                    continue
                }
                if n < 0 && n != Int(LIBSSH2_ERROR_EAGAIN) {
                    throw session.failure(Int32(truncatingIfNeeded: n), operation: "reading output of `\(command)`")
                }
                break
            }
        }
        return got
    }
}
