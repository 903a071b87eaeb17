import BerthCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Writes `data` to `remotePath` atomically with permission bits `mode`.
    /// See `uploadFile(_:to:mode:progress:)` for how.
    public func upload(_ data: Data, to remotePath: String, mode: Int32) throws {
        var offset = 0
        try atomicUpload(to: remotePath, mode: mode, total: Int64(data.count), progress: nil) { buffer in
            let n = min(buffer.count, data.count - offset)
            guard n > 0 else { return 0 }
            let start = data.startIndex + offset
            data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: start ..< start + n)
            offset += n
            return n
        }
    }

    /// Copies the local file at `localPath` to `remotePath` atomically with permission bits `mode`.
    ///
    /// The bytes go to `.<name>.berth-tmp-<random>` beside the destination (pipelined SFTP writes),
    /// which then gets `mode`, an fsync, and is renamed over the destination (replacing it; see
    /// `SFTPClient.rename`). On any failure the temporary file is removed and the destination is left
    /// as it was. `progress(sent, total)` is called as the server acknowledges data.
    public func uploadFile(_ localPath: String, to remotePath: String, mode: Int32,
                           progress: ((Int64, Int64) -> Void)?) throws {
        let fd = open(localPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw SSHError.localFile(peer, path: localPath, reason: String(cString: strerror(e)))
        }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            throw SSHError.localFile(peer, path: localPath, reason: String(cString: strerror(e)))
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw SSHError.localFile(peer, path: localPath, reason: "not a regular file")
        }
        try atomicUpload(to: remotePath, mode: mode, total: Int64(st.st_size), progress: progress) { buffer in
            while true {
                let n = read(fd, buffer.baseAddress, buffer.count)
                let e = errno
                if n >= 0 { return n }
                if e == EINTR { continue }
                throw SSHError.localFile(peer, path: localPath, reason: String(cString: strerror(e)))
            }
        }
    }

    /// Reads the whole remote file at `remotePath`.
    public func download(_ remotePath: String) throws -> Data {
        let file = try sftp().openForReading(remotePath)
        defer { file.closeQuietly() }
        let data = try file.readToEnd()
        try file.close()
        return data
    }

    /// The temporary name used beside `remotePath` while uploading.
    static func temporaryPath(for remotePath: String) -> String {
        let slash = remotePath.lastIndex(of: "/")
        let dir = slash.map { String(remotePath[...$0]) } ?? ""
        let name = slash.map { String(remotePath[remotePath.index(after: $0)...]) } ?? remotePath
        let random = (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return "\(dir).\(name).berth-tmp-\(random)"
    }

    private func atomicUpload(to remotePath: String, mode: Int32, total: Int64,
                              progress: ((Int64, Int64) -> Void)?,
                              fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        guard !remotePath.isEmpty, !remotePath.hasSuffix("/") else {
            throw SSHError.sftp(peer, operation: "upload to", path: remotePath, status: UInt(SFTPStatus.failure))
        }
        let sftp = try self.sftp()
        let tmp = Self.temporaryPath(for: remotePath)
        let file = try sftp.openForWriting(tmp, mode: 0o600, exclusive: true)
        do {
            progress?(0, total)
            try file.write(from: fill, progress: progress.map { report in { sent in report(sent, total) } })
            try file.setAttributes(mode: mode)
            try? file.sync() // fsync@openssh.com; absent on some servers
            try file.close()
            try sftp.rename(tmp, to: remotePath, replacing: true)
        } catch {
            file.closeQuietly()
            if isOpen { _ = try? sftp.unlink(tmp) }
            throw error
        }
    }

    /// The SFTP side channel, opened on first use; nil if the server refuses a second SFTP channel.
    func sftpSideChannel() -> SFTPSideChannel? {
        if let sideChannel { return sideChannel }
        if sideChannelFailed { return nil }
        do {
            let ext = try SFTPSideChannel.open(on: self)
            sideChannel = ext
            return ext
        } catch {
            sideChannelFailed = true
            return nil
        }
    }
}
