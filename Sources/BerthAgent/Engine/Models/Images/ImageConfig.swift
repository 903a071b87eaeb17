/// An image's configuration document (OCI / docker image config, lowercase keys); its digest is the image ID.
public struct ImageConfig: Codable, Sendable, Equatable {
    public struct RootFS: Codable, Sendable, Equatable {
        public var type: String
        /// `sha256:...` of each uncompressed layer tar, bottom first.
        public var diff_ids: [String]
    }
    public struct History: Codable, Sendable, Equatable {
        public var created: String?
        public var created_by: String?
        public var comment: String?
        /// True for config-only steps (ENV, CMD, ...), which add no entry to `rootfs.diff_ids`.
        public var empty_layer: Bool?
    }

    public var architecture: String
    public var os: String
    public var created: String
    public var comment: String?
    /// `docker commit --author`.
    public var author: String?
    public var config: ContainerConfig?
    public var rootfs: RootFS
    public var history: [History]?
}
