/// One name in a remote directory listing.
public struct SFTPDirectoryEntry: Equatable, Sendable {
    /// The file name (no directory part).
    public var name: String
    /// Attributes as sent with the listing (lstat semantics: a symlink is reported as a symlink).
    public var attributes: SFTPAttributes

    public init(name: String, attributes: SFTPAttributes) {
        self.name = name
        self.attributes = attributes
    }
}
