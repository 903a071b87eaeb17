/// What a copy did, one event per destination path (for `-v` and tests).
public enum CopyEvent: Equatable, Sendable {
    /// A file's content was sent: source and destination as messages show them, its size, and the seconds from
    /// opening the source to the rename (streaming and verification), and the lanes it went over (1: one stream).
    case sent(source: String, destination: String, bytes: Int64, seconds: Double, lanes: Int)
    /// `-d` found the destination already had this content.
    case unchanged(destination: String)
    /// A symbolic link was created or replaced.
    case linked(destination: String, target: String)
    /// A directory was created.
    case madeDirectory(destination: String)
    /// A temporary file left by an earlier, killed copy was removed.
    case removedStale(path: String)
}

/// Totals of one copy.
public struct CopySummary: Equatable, Sendable {
    public var filesSent = 0
    public var filesUnchanged = 0
    public var bytesSent: Int64 = 0
    public var links = 0
    public var directories = 0
    public var staleRemoved = 0

    public init() {}
}
