/// How `berth scp` copies.
public struct CopyOptions: Equatable, Sendable {
    /// Copy directories as trees, keeping modes, modification times and symbolic links.
    public var recursive: Bool
    /// Send only files whose size or content differs from the destination's (compared by SHA-256).
    public var delta: Bool

    public init(recursive: Bool = false, delta: Bool = false) {
        self.recursive = recursive
        self.delta = delta
    }
}
