#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `<store>/cluster.json` holds: the Berth-run etcd cluster every agent of the store is pointed at.
/// One cluster per store; its certificates live in `<store>/etcd/`.
public struct ClusterRecord: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public static let clientPort = 2379
    public static let peerPort = 2380

    public var configVersion: Int
    /// etcd's `initial-cluster-token`, unique per cluster so members of two clusters never join each other.
    public var token: String
    public var members: [ClusterMember]
    public var createdAt: Date

    public init(token: String, members: [ClusterMember], createdAt: Date = Date()) {
        configVersion = ClusterRecord.currentVersion
        self.token = token
        self.members = members
        self.createdAt = Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down))
    }

    enum CodingKeys: String, CodingKey {
        case configVersion = "ConfigVersion", token = "Token", members = "Members", createdAt = "CreatedAt"
    }

    public func member(named name: String) -> ClusterMember? { members.first { $0.name == name } }

    /// `https://IP:2379` per member, in member order: etcdctl's `--endpoints`.
    public var clientURLs: [String] { members.map(\.clientURL) }

    /// dockerd's `cluster-store` value: `etcd://IP:2379,IP:2379,...`.
    public var clusterStore: String {
        "etcd://" + members.map { "\(ClusterMember.hostPart($0.ipAddress)):\(ClusterRecord.clientPort)" }
            .joined(separator: ",")
    }

    /// etcd's `initial-cluster`: `NAME=https://IP:2380,...`.
    public var initialCluster: String {
        members.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")
    }

    /// A member count etcd can make a quorum of and Berth accepts: odd and at least one.
    public static func checkMemberCount(_ n: Int) throws {
        guard n >= 1 else { throw BerthError.invalidArgument("Error: No machine name specified") }
        guard n % 2 == 1 else {
            throw BerthError.invalidArgument("an etcd cluster needs an odd number of members (1, 3, 5...), got \(n)")
        }
    }
}

/// One etcd member: the machine it runs on and that machine's address.
public struct ClusterMember: Codable, Equatable, Sendable {
    public var name: String
    public var ipAddress: String

    public init(name: String, ipAddress: String) {
        self.name = name
        self.ipAddress = ipAddress
    }

    enum CodingKeys: String, CodingKey { case name = "Name", ipAddress = "IPAddress" }

    public var clientURL: String { "https://\(ClusterMember.hostPart(ipAddress)):\(ClusterRecord.clientPort)" }
    public var peerURL: String { "https://\(ClusterMember.hostPart(ipAddress)):\(ClusterRecord.peerPort)" }

    static func hostPart(_ ip: String) -> String { ip.contains(":") ? "[\(ip)]" : ip }
}

public extension ClusterRecord {
    func encoded() throws -> Data { try MachineRecord.encoder().encode(self) }

    static func decode(_ data: Data) throws -> ClusterRecord {
        let r = try MachineRecord.decoder().decode(ClusterRecord.self, from: data)
        guard r.configVersion <= currentVersion else {
            throw BerthError.unsupported("cluster file version \(r.configVersion) is newer than this berth understands")
        }
        return r
    }
}
