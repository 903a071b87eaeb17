/// A path on a side: one source or the destination of a copy.
public struct Operand {
    public let side: FileSystemSide
    public let path: String

    public init(side: FileSystemSide, path: String) {
        self.side = side
        self.path = path
    }

    /// As messages show it.
    public var display: String { side.display(path) }
}
