/// One entry of `GET /images/json`.
public struct ImageSummary: Codable, Sendable {
    public var Id: String
    public var ParentId: String
    public var RepoTags: [String]
    public var RepoDigests: [String]
    public var Created: Int
    public var Size: Int
    public var SharedSize: Int
    /// API < 1.44: the same as Size.
    public var VirtualSize: Int
    public var Labels: [String: String]
    public var Containers: Int
}
