import CSSH2
import Foundation

/// An open remote file. Get one from `SFTPClient.openForReading(_:)` or `openForWriting(_:mode:exclusive:)`.
///
/// Reads and writes advance the file's offset. Reads ask the server for data ahead of the caller
/// (libssh2 keeps up to 4 × the buffer size in flight), and `write(from:progress:)` keeps several MiB of
/// write requests in flight, so large transfers are not bound by round trips. Close explicitly to see
/// errors; a file left open is closed when released or when its session closes.
/// Same threading rule as `SSHSession`.
public final class SFTPFile {
    /// The remote path the file was opened with.
    public let path: String
    let session: SSHSession
    private var handle: OpaquePointer?
    private let generation: Int

    /// Bytes of write requests kept in flight by `write(from:progress:)`; a buffer twice this size is used.
    static let writeWindow = 8 << 20

    init(session: SSHSession, handle: OpaquePointer, path: String) {
        self.session = session
        self.handle = handle
        self.path = path
        self.generation = session.sftpGeneration
        session.registerOpenFile(ObjectIdentifier(self)) { [weak self] in self?.closeQuietly() }
    }

    deinit { closeQuietly() }

    private func requireHandle() throws -> OpaquePointer {
        guard let handle, session.isOpen else { throw SSHError.closed(session.peer) }
        guard session.sftpGeneration == generation else {
            // The channel was reset after an earlier failure (see SSHSession.resetSFTP).
            throw SSHError.sftp(session.peer, operation: "SFTP", path: path, status: SFTPStatus.invalidHandle)
        }
        return handle
    }

    /// Reads up to `buffer.count` bytes; returns how many, 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let h = try requireHandle()
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        do {
            return try session.sftpCall("SFTP read", path: path) {
                libssh2_sftp_read(h, base.assumingMemoryBound(to: CChar.self), buffer.count)
            }
        } catch {
            // A request may be half sent; see SSHSession.resetSFTP.
            if case SSHError.sftp = error {} else { session.resetSFTP() }
            throw error
        }
    }

    /// Reads up to `count` bytes; an empty result means end of file.
    public func read(upTo count: Int) throws -> Data {
        var data = Data(count: count)
        let n = try data.withUnsafeMutableBytes { try read(into: $0) }
        data.count = n
        return data
    }

    /// Reads from the current offset to the end of the file.
    public func readToEnd() throws -> Data {
        var out = Data()
        if let size = try? attributes().size, size < UInt64(Int.max) { out.reserveCapacity(Int(size)) }
        let chunk = 2 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(into: buffer)
            if n == 0 { return out }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Writes all of `data` at the current offset.
    public func write(_ data: Data) throws {
        var offset = 0
        try write(from: { buffer in
            let n = min(buffer.count, data.count - offset)
            guard n > 0 else { return 0 }
            data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: data.startIndex + offset ..< data.startIndex + offset + n)
            offset += n
            return n
        })
    }

    /// Streams bytes to the file until `fill` returns 0, keeping many write requests in flight.
    /// `fill` copies up to `buffer.count` bytes into `buffer` and returns how many (0 = done).
    /// `progress` receives the running count of bytes the server has acknowledged.
    /// Returns the number of bytes written.
    ///
    /// If `fill` throws, the requests already in flight are completed first, so the channel stays usable.
    /// If the server or the connection fails part way, the session's SFTP channel is reset (open files on it
    /// become invalid; see `SSHSession.resetSFTP`).
    @discardableResult
    public func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int,
                      progress: ((Int64) -> Void)? = nil) throws -> Int64 {
        let h = try requireHandle()
        let capacity = 2 * Self.writeWindow
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        guard let base = buffer.baseAddress else { return 0 }
        // [start, end) holds data not yet acknowledged; libssh2 has turned [start, queued) into requests.
        var start = 0, end = 0, queued = 0
        var sourceDone = false
        var total: Int64 = 0

        func send(_ count: Int) throws {
            queued = max(queued, start + count)
            let n: Int
            do {
                n = try session.sftpCall("SFTP write", path: path) {
                    libssh2_sftp_write(h, (base + start).assumingMemoryBound(to: CChar.self), count)
                }
            } catch {
                session.resetSFTP()
                throw error
            }
            if n == 0 {
                try session.waitSocket("SFTP write", until: Deadline(seconds: session.operationTimeout))
                return
            }
            start += n
            total += Int64(n)
            progress?(total)
        }

        while true {
            // Keep at least a window's worth queued; bytes in flight stay at the front of [start, end),
            // which is what libssh2 expects to be handed again.
            if !sourceDone && end - start <= Self.writeWindow {
                if start > 0 {
                    memmove(base, base + start, end - start)
                    end -= start
                    queued -= start
                    start = 0
                }
                do {
                    while end < capacity && !sourceDone {
                        let n = try fill(UnsafeMutableRawBufferPointer(rebasing: buffer[end..<capacity]))
                        if n <= 0 { sourceDone = true } else { end += min(n, capacity - end) }
                    }
                } catch {
                    // Finish what libssh2 already queued so no request is left half sent (on failure, send()
                    // has reset the channel instead); report the source's error either way.
                    do {
                        while start < queued { try send(queued - start) }
                    } catch {}
                    throw error
                }
            }
            if start == end { return total }
            try send(min(end - start, Self.writeWindow))
        }
    }

    /// The file's attributes (fstat).
    public func attributes() throws -> SFTPAttributes {
        let h = try requireHandle()
        var attrs = LIBSSH2_SFTP_ATTRIBUTES()
        try session.sftpCall("SFTP fstat", path: path) { cssh2_sftp_fstat(h, &attrs, 0) }
        return SFTPAttributes(attrs)
    }

    /// Sets permission bits and/or times (fsetstat). Times are seconds since the epoch and must be
    /// given together.
    public func setAttributes(mode: Int32? = nil, accessTime: UInt32? = nil, modificationTime: UInt32? = nil) throws {
        let h = try requireHandle()
        var attrs = SFTPAttributes.setting(mode: mode, accessTime: accessTime, modificationTime: modificationTime)
        guard attrs.flags != 0 else { return }
        try session.sftpCall("SFTP fsetstat", path: path) { cssh2_sftp_fstat(h, &attrs, 1) }
    }

    /// Asks the server to flush the file to disk (fsync@openssh.com).
    public func sync() throws {
        let h = try requireHandle()
        try session.sftpCall("SFTP fsync", path: path) { libssh2_sftp_fsync(h) }
    }

    /// Closes the handle. Further calls throw `SSHError.closed`.
    public func close() throws {
        guard let h = handle else { return }
        handle = nil
        session.unregisterOpenFile(ObjectIdentifier(self))
        guard session.isOpen, session.sftpGeneration == generation else { return }
        try session.sftpCall("SFTP close", path: path) { libssh2_sftp_close_handle(h) }
    }

    func closeQuietly() {
        _ = try? close()
    }
}
