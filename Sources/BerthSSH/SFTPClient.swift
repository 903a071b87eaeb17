import CSSH2
import Foundation

/// File operations over SFTP (OpenSSH speaks SFTP v3) on one session. Get one with
/// `SSHSession.sftp()`; it shares the session's SFTP channel and its threading rule.
///
/// Relative paths are relative to the login directory. Failures throw `SSHError.sftp` carrying the
/// server's status (`SSHError.isNoSuchFile` tells a missing path apart).
public final class SFTPClient {
    /// The session the requests go over.
    public let session: SSHSession

    init(session: SSHSession) {
        self.session = session
    }

    // MARK: files

    /// Opens an existing file for reading.
    public func openForReading(_ path: String) throws -> SFTPFile {
        let sftp = try session.sftpPointer()
        let handle = try session.sftpCallPointer("SFTP open", path: path) {
            cssh2_sftp_open(sftp, path, UInt(LIBSSH2_FXF_READ), 0)
        }
        return SFTPFile(session: session, handle: handle, path: path)
    }

    /// Opens a file for writing, creating it with `mode` (subject to the server's umask) if missing and
    /// truncating it otherwise. With `exclusive`, fails if the file exists.
    public func openForWriting(_ path: String, mode: Int32 = 0o644, exclusive: Bool = false) throws -> SFTPFile {
        let sftp = try session.sftpPointer()
        var flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC)
        if exclusive { flags |= UInt(LIBSSH2_FXF_EXCL) }
        let handle = try session.sftpCallPointer("SFTP create", path: path) {
            cssh2_sftp_open(sftp, path, flags, Int(mode & 0o7777))
        }
        return SFTPFile(session: session, handle: handle, path: path)
    }

    // MARK: metadata

    /// Attributes of `path`, following symbolic links.
    public func stat(_ path: String) throws -> SFTPAttributes {
        try stat(path, type: LIBSSH2_SFTP_STAT, operation: "SFTP stat")
    }

    /// Attributes of `path` itself (a symbolic link is reported as one).
    public func lstat(_ path: String) throws -> SFTPAttributes {
        try stat(path, type: LIBSSH2_SFTP_LSTAT, operation: "SFTP lstat")
    }

    /// Whether anything (even a dangling symlink) exists at `path`.
    public func exists(_ path: String) throws -> Bool {
        do {
            _ = try lstat(path)
            return true
        } catch let error as SSHError where error.isNoSuchFile {
            return false
        }
    }

    private func stat(_ path: String, type: Int32, operation: String) throws -> SFTPAttributes {
        let sftp = try session.sftpPointer()
        var attrs = LIBSSH2_SFTP_ATTRIBUTES()
        try session.sftpCall(operation, path: path) { cssh2_sftp_stat(sftp, path, type, &attrs) }
        return SFTPAttributes(attrs)
    }

    /// Sets permission bits and/or access and modification times (seconds since the epoch; SFTP v3
    /// sets both together, so give both or neither).
    public func setAttributes(_ path: String, mode: Int32? = nil, accessTime: UInt32? = nil,
                              modificationTime: UInt32? = nil) throws {
        let sftp = try session.sftpPointer()
        var attrs = SFTPAttributes.setting(mode: mode, accessTime: accessTime, modificationTime: modificationTime)
        guard attrs.flags != 0 else { return }
        try session.sftpCall("SFTP setstat", path: path) { cssh2_sftp_stat(sftp, path, LIBSSH2_SFTP_SETSTAT, &attrs) }
    }

    // MARK: directories

    /// Creates one directory.
    public func mkdir(_ path: String, mode: Int32 = 0o755) throws {
        let sftp = try session.sftpPointer()
        try session.sftpCall("SFTP mkdir", path: path) { cssh2_sftp_mkdir(sftp, path, Int(mode & 0o7777)) }
    }

    /// Removes an empty directory.
    public func rmdir(_ path: String) throws {
        let sftp = try session.sftpPointer()
        try session.sftpCall("SFTP rmdir", path: path) { cssh2_sftp_rmdir(sftp, path) }
    }

    /// The names in a directory, without `.` and `..`, in server order.
    public func readDirectory(_ path: String) throws -> [SFTPDirectoryEntry] {
        let sftp = try session.sftpPointer()
        let handle = try session.sftpCallPointer("SFTP opendir", path: path) { cssh2_sftp_opendir(sftp, path) }
        defer { _ = try? session.sftpCall("SFTP closedir", path: path) { libssh2_sftp_close_handle(handle) } }
        var entries: [SFTPDirectoryEntry] = []
        var name = [CChar](repeating: 0, count: 4096)
        while true {
            var attrs = LIBSSH2_SFTP_ATTRIBUTES()
            let n = try session.sftpCall("SFTP readdir", path: path) {
                libssh2_sftp_readdir_ex(handle, &name, name.count, nil, 0, &attrs)
            }
            if n == 0 { return entries }
            let text = String(decoding: name[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text == "." || text == ".." { continue }
            entries.append(SFTPDirectoryEntry(name: text, attributes: SFTPAttributes(attrs)))
        }
    }

    // MARK: links and names

    /// Creates a symbolic link at `linkPath` pointing to `target`.
    public func symlink(target: String, at linkPath: String) throws {
        guard let side = session.sftpSideChannel() else {
            throw SSHError.sftp(session.peer, operation: "SFTP symlink", path: linkPath, status: SFTPStatus.opUnsupported)
        }
        let status = try side.symlink(target: target, linkPath: linkPath)
        guard status == SFTPStatus.ok else {
            throw SSHError.sftp(session.peer, operation: "SFTP symlink", path: linkPath, status: UInt(status))
        }
    }

    /// The target of a symbolic link.
    public func readlink(_ path: String) throws -> String {
        try resolve(path, realpath: false)
    }

    /// The canonical absolute form of `path` (`.` gives the login directory).
    public func realpath(_ path: String) throws -> String {
        try resolve(path, realpath: true)
    }

    private func resolve(_ path: String, realpath: Bool) throws -> String {
        let sftp = try session.sftpPointer()
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = try session.sftpCall(realpath ? "SFTP realpath" : "SFTP readlink", path: path) {
            cssh2_sftp_readlink(sftp, path, &buffer, UInt32(buffer.count), realpath ? 1 : 0)
        }
        return String(decoding: buffer[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes a file or symbolic link.
    public func unlink(_ path: String) throws {
        let sftp = try session.sftpPointer()
        try session.sftpCall("SFTP unlink", path: path) { cssh2_sftp_unlink(sftp, path) }
    }

    /// Renames `from` to `to`.
    ///
    /// With `replacing` (the default) an existing `to` is replaced atomically: through OpenSSH's
    /// `posix-rename@openssh.com` extension when the server offers it, otherwise with `mv -f` over an exec
    /// channel if a plain rename fails. Without it, SFTP v3 semantics apply: OpenSSH refuses to
    /// overwrite.
    public func rename(_ from: String, to: String, replacing: Bool = true) throws {
        if replacing, let ext = session.sftpSideChannel(), ext.supports(SFTPSideChannel.posixRename) {
            let status = try ext.posixRename(from, to)
            guard status == SFTPStatus.ok else {
                throw SSHError.sftp(session.peer, operation: "rename \(from) to", path: to, status: UInt(status))
            }
            return
        }
        let sftp = try session.sftpPointer()
        do {
            try session.sftpCall("SFTP rename \(from) to", path: to) { cssh2_sftp_rename(sftp, from, to) }
        } catch SSHError.sftp(_, _, _, let status)
            where replacing && (status == SFTPStatus.failure || status == SFTPStatus.fileAlreadyExists) {
            let command = "mv -f -- \(shellQuote(from)) \(shellQuote(to))"
            let result = try session.run(command, stdin: nil, onOutput: nil)
            guard result.exitStatus == 0 else {
                throw SSHError.commandFailed(session.peer, command: command, exitStatus: result.exitStatus,
                                             stderr: result.errorOutput)
            }
        }
    }
}
