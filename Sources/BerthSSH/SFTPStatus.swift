/// SFTP status codes (SSH_FX_*, draft-ietf-secsh-filexfer) as carried by `SSHError.sftp`.
public enum SFTPStatus {
    public static let ok: UInt = 0
    public static let eof: UInt = 1
    public static let noSuchFile: UInt = 2
    public static let permissionDenied: UInt = 3
    public static let failure: UInt = 4
    public static let badMessage: UInt = 5
    public static let opUnsupported: UInt = 8
    public static let invalidHandle: UInt = 9
    public static let fileAlreadyExists: UInt = 11
    public static let noSpaceOnFilesystem: UInt = 14
    public static let dirNotEmpty: UInt = 18
    public static let notADirectory: UInt = 19

    /// A short human phrase for `status`.
    public static func describe(_ status: UInt) -> String {
        switch status {
        case 0: return "ok"
        case 1: return "end of file"
        case 2: return "no such file"
        case 3: return "permission denied"
        case 4: return "failure"
        case 5: return "bad message"
        case 6: return "no connection"
        case 7: return "connection lost"
        case 8: return "operation unsupported by the server"
        case 9: return "invalid handle (closed, or its SFTP channel was reset after a failed transfer)"
        case 10: return "no such path"
        case 11: return "file already exists"
        case 12: return "write protected"
        case 13: return "no media"
        case 14: return "no space left on device"
        case 15: return "quota exceeded"
        case 16: return "unknown principal"
        case 17: return "lock conflict"
        case 18: return "directory not empty"
        case 19: return "not a directory"
        case 20: return "invalid file name"
        case 21: return "too many symbolic links"
        default: return "SFTP status \(status)"
        }
    }
}
