/// What kind of file an SFTP path names, from the type bits of its permissions.
public enum SFTPFileType: Equatable, Sendable {
    case regular, directory, symbolicLink, characterDevice, blockDevice, fifo, socket, unknown

    /// Decodes the S_IFMT bits of a full st_mode value.
    public init(mode: UInt32) {
        switch mode & 0o170000 {
        case 0o100000: self = .regular
        case 0o040000: self = .directory
        case 0o120000: self = .symbolicLink
        case 0o020000: self = .characterDevice
        case 0o060000: self = .blockDevice
        case 0o010000: self = .fifo
        case 0o140000: self = .socket
        default: self = .unknown
        }
    }
}
