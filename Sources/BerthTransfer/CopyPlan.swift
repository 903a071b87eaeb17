/// Everything one `berth scp` will do, worked out before anything is written: each source is checked and
/// each tree walked first, so a missing source or a bad destination fails with the destination untouched.
public struct CopyPlan {
    public enum Action: Equatable {
        /// Create the directory (unless it exists); its attributes are set by the matching `finishDirectory`.
        case makeDirectory
        /// Stream a regular file through a temporary name.
        case copyFile
        /// Create (or replace) a symbolic link pointing at `target`.
        case makeSymbolicLink(target: String)
        /// After a directory's contents: set its mode and times.
        case finishDirectory
    }

    public struct Entry {
        public var action: Action
        /// Where the data comes from.
        public var source: Operand
        /// The path on the plan's destination side.
        public var destination: String
        /// The source's attributes.
        public var info: FileInfo
        /// What is at `destination` now (not following a final link), if anything.
        public var existing: FileInfo?
        /// Keep the source's mode and times (trees, `-r`).
        public var preserve: Bool
        /// Set by the delta pass: the destination already has this content.
        public var unchanged = false
    }

    /// The side everything is written to.
    public let destination: FileSystemSide
    public var entries: [Entry]

    /// Bytes of the files that will be sent.
    public var bytesToSend: Int64 {
        entries.reduce(0) { $0 + ($1.action == .copyFile && !$1.unchanged ? Int64($1.info.size) : 0) }
    }

    /// Number of regular files in the plan.
    public var fileCount: Int { entries.filter { $0.action == .copyFile }.count }
}
