/// `GET /images/{name}/json`.
public struct ImageInspect: Codable, Sendable {
    public struct RootFS: Codable, Sendable {
        public var `Type`: String
        public var Layers: [String]
    }
    public struct GraphDriver: Codable, Sendable {
        public var Name: String
        public var Data: [String: String]
    }

    public var Id: String
    public var RepoTags: [String]
    public var RepoDigests: [String]
    public var Parent: String
    public var Comment: String
    public var Created: String
    public var DockerVersion: String
    public var Author: String
    public var Config: ContainerConfig?
    public var Architecture: String
    public var Os: String
    public var Size: Int
    public var GraphDriver: GraphDriver
    public var RootFS: RootFS
}
