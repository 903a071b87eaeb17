import CSSH2
import Foundation

/// File attributes as SFTP v3 carries them. Fields the server did not send are nil.
public struct SFTPAttributes: Equatable, Sendable {
    /// Size in bytes.
    public var size: UInt64?
    /// The full st_mode: type bits and permission bits.
    public var permissions: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    /// Seconds since the epoch (SFTP v3 has no sub-second times).
    public var accessTime: UInt32?
    public var modificationTime: UInt32?

    public init(size: UInt64? = nil, permissions: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil,
                accessTime: UInt32? = nil, modificationTime: UInt32? = nil) {
        self.size = size
        self.permissions = permissions
        self.uid = uid
        self.gid = gid
        self.accessTime = accessTime
        self.modificationTime = modificationTime
    }

    /// The kind of file (`.unknown` without permissions).
    public var type: SFTPFileType { permissions.map(SFTPFileType.init(mode:)) ?? .unknown }

    /// The permission bits (including setuid/setgid/sticky), without the type.
    public var mode: Int32? { permissions.map { Int32($0 & 0o7777) } }

    /// The modification time as a Date.
    public var modificationDate: Date? { modificationTime.map { Date(timeIntervalSince1970: TimeInterval($0)) } }

    init(_ a: LIBSSH2_SFTP_ATTRIBUTES) {
        let flags = UInt(a.flags)
        if flags & UInt(LIBSSH2_SFTP_ATTR_SIZE) != 0 { size = a.filesize }
        if flags & UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS) != 0 { permissions = UInt32(truncatingIfNeeded: a.permissions) }
        if flags & UInt(LIBSSH2_SFTP_ATTR_UIDGID) != 0 {
            uid = UInt32(truncatingIfNeeded: a.uid)
            gid = UInt32(truncatingIfNeeded: a.gid)
        }
        if flags & UInt(LIBSSH2_SFTP_ATTR_ACMODTIME) != 0 {
            accessTime = UInt32(truncatingIfNeeded: a.atime)
            modificationTime = UInt32(truncatingIfNeeded: a.mtime)
        }
    }

    /// The libssh2 form for a setstat: only mode and times are settable here (SFTP v3 sets both times
    /// together, so give both or neither).
    static func setting(mode: Int32?, accessTime: UInt32?, modificationTime: UInt32?) -> LIBSSH2_SFTP_ATTRIBUTES {
        var a = LIBSSH2_SFTP_ATTRIBUTES()
        if let mode {
            a.flags |= UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
            a.permissions = UInt(UInt32(bitPattern: mode) & 0o7777)
        }
        if let accessTime, let modificationTime {
            a.flags |= UInt(LIBSSH2_SFTP_ATTR_ACMODTIME)
            a.atime = UInt(accessTime)
            a.mtime = UInt(modificationTime)
        }
        return a
    }
}
