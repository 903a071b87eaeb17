/// The body of `POST /containers/{id}/update` (docker's `UpdateConfig`: the resources plus the restart policy).
/// Keys left out keep their value.
public struct ContainerUpdateRequest: Codable, Sendable, Equatable {
    public var Memory: Int64?
    public var MemorySwap: Int64?
    public var MemoryReservation: Int64?
    public var CpuShares: Int64?
    public var NanoCpus: Int64?
    public var CpuQuota: Int64?
    public var CpuPeriod: Int64?
    public var PidsLimit: Int64?
    public var RestartPolicy: HostConfig.RestartPolicy?

    public init() {}

    /// `hostConfig` with this update applied. dockerd's checks: a restart policy cannot be set on an auto-remove
    /// container, and a memory limit below 6 MB is refused.
    public func applied(to hostConfig: HostConfig) throws -> HostConfig {
        var result = hostConfig
        if let policy = RestartPolicy, !(policy.Name ?? "").isEmpty, policy.Name != "no", hostConfig.AutoRemove == true {
            throw APIError.invalidArgument("Restart policy cannot be updated because AutoRemove is enabled for the container")
        }
        if let memory = Memory, memory > 0, memory < 6_291_456 {
            throw APIError.invalidArgument("Minimum memory limit allowed is 6MB")
        }
        if let v = Memory, v != 0 { result.Memory = v }
        if let v = MemorySwap, v != 0 { result.MemorySwap = v }
        if let v = MemoryReservation, v != 0 { result.MemoryReservation = v }
        if let v = CpuShares, v != 0 { result.CpuShares = v }
        if let v = NanoCpus, v != 0 { result.NanoCpus = v }
        if let v = CpuQuota, v != 0 { result.CpuQuota = v }
        if let v = CpuPeriod, v != 0 { result.CpuPeriod = v }
        if let v = PidsLimit, v != 0 { result.PidsLimit = v }
        if let policy = RestartPolicy, !(policy.Name ?? "").isEmpty { result.RestartPolicy = policy }
        return result
    }
}

/// `200 {Warnings}` of `POST /containers/{id}/update`.
public struct ContainerUpdateResponse: Codable, Sendable {
    public var Warnings: [String]
}

/// `POST /containers/prune`.
public struct ContainerPruneReport: EncodesNulls, Sendable {
    /// null when nothing was removed, as dockerd's nil slice.
    public var ContainersDeleted: [String]?
    public var SpaceReclaimed: Int64

    public func encode(to encoder: Encoder) throws { try encodeAllProperties(to: encoder) }
}
