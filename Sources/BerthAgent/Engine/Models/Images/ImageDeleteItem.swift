/// One entry of the answer of `DELETE /images/{name}`.
public struct ImageDeleteItem: Codable, Sendable {
    public var Untagged: String?
    public var Deleted: String?
}
