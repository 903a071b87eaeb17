/// `GET /system/df` (`docker system df`).
public struct SystemDataUsage: Encodable, Sendable {
    public var LayersSize: Int64
    public var Images: [ImageSummary]
    public var Containers: [ContainerSummary]
    public var Volumes: [VolumeUsage]
    public var BuilderSize: Int64 = 0
    /// Build cache records (berthd's cache entries are image configs, counted with the images).
    public var BuildCache: [EmptyObject] = []
}

/// A volume in `system df`: the volume's fields plus `UsageData {Size, RefCount}`.
public struct VolumeUsage: Encodable, Sendable {
    public struct UsageData: Encodable, Sendable {
        public var Size: Int64
        public var RefCount: Int
    }

    public var volume: Volume
    public var usage: UsageData

    enum CodingKeys: String, CodingKey { case UsageData }

    public func encode(to encoder: Encoder) throws {
        try volume.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(usage, forKey: .UsageData)
    }
}
