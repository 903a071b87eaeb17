#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an agent says about itself under `/berth/nodes/<engine-id>`, e.g.
/// `{"ID":"…","Name":"lab1","Addr":"10.213.0.11:2376","Version":"0.3.0","StartedAt":"2026-12-03T08:00:00Z"}`.
/// The key carries a lease its agent keeps alive, so the record goes when the agent does.
public struct ClusterNodeRecord: Codable, Sendable, Equatable {
    /// The engine ID (`docker info`'s ID).
    public var id: String
    /// The host name.
    public var name: String
    /// The advertised `IP:port` (`cluster-advertise`), empty when none is configured.
    public var address: String
    /// The agent's version.
    public var version: String
    /// When the agent started, RFC 3339.
    public var startedAt: String

    public init(id: String, name: String, address: String, version: String, startedAt: String) {
        self.id = id
        self.name = name
        self.address = address
        self.version = version
        self.startedAt = startedAt
    }

    enum CodingKeys: String, CodingKey {
        case id = "ID", name = "Name", address = "Addr", version = "Version", startedAt = "StartedAt"
    }

    /// The record as stored, keys in a fixed order.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Parses a stored record, nil when it is not one.
    public static func parse(_ text: String) -> ClusterNodeRecord? {
        try? JSONDecoder().decode(ClusterNodeRecord.self, from: Data(text.utf8))
    }
}
