/// One entry of the answer of `DELETE /images/{name}`.
public struct ImageDeleteItem: Codable, Sendable {
    public var Untagged: String?
    public var Deleted: String?
}

/// `POST /images/prune`.
public struct ImagePruneReport: EncodesNulls, Sendable {
    /// null when nothing was removed, as dockerd's nil slice.
    public var ImagesDeleted: [ImageDeleteItem]?
    public var SpaceReclaimed: Int64

    public func encode(to encoder: Encoder) throws { try encodeAllProperties(to: encoder) }
}
