/// What a copy needs to know about one path, on either side.
public struct FileInfo: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case regular, directory, symbolicLink, other
    }

    public var kind: Kind
    /// Size in bytes (regular files; 0 or the link length otherwise).
    public var size: UInt64
    /// Permission bits, including setuid, setgid and sticky (`0o7777`).
    public var mode: Int32
    /// Seconds since the epoch.
    public var modificationTime: Int64
    public var accessTime: Int64

    public init(kind: Kind, size: UInt64 = 0, mode: Int32 = 0o644, modificationTime: Int64 = 0, accessTime: Int64? = nil) {
        self.kind = kind
        self.size = size
        self.mode = mode
        self.modificationTime = modificationTime
        self.accessTime = accessTime ?? modificationTime
    }
}
