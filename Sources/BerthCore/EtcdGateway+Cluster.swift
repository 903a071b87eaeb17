#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The maintenance and cluster requests `berth etcd ls` uses: a member's status and the member list.
extension EtcdGateway {
    /// What `/v3/maintenance/status` says about the member that answered.
    public struct Status: Equatable, Sendable {
        public var memberID: UInt64
        public var leader: UInt64
        public var dbSize: Int64
        public var version: String
        public var raftTerm: UInt64

        public init(memberID: UInt64, leader: UInt64, dbSize: Int64, version: String, raftTerm: UInt64) {
            self.memberID = memberID
            self.leader = leader
            self.dbSize = dbSize
            self.version = version
            self.raftTerm = raftTerm
        }
    }

    /// One entry of `/v3/cluster/member/list`.
    public struct Member: Equatable, Sendable {
        public var id: UInt64
        public var name: String
        public var peerURLs: [String]
        public var clientURLs: [String]

        public init(id: UInt64, name: String, peerURLs: [String], clientURLs: [String]) {
            self.id = id
            self.name = name
            self.peerURLs = peerURLs
            self.clientURLs = clientURLs
        }
    }

    public static func status() -> Request { Request(path: "/v3/maintenance/status", body: "{}") }
    public static func memberList() -> Request { Request(path: "/v3/cluster/member/list", body: "{}") }

    public static func decodeStatus(_ body: String) throws -> Status {
        let o = try answer(body)
        func u64(_ v: JSONValue?) -> UInt64 { v?.stringValue.flatMap { UInt64($0) } ?? 0 }
        return Status(memberID: u64(o["header"]?["member_id"]), leader: u64(o["leader"]),
                      dbSize: o["dbSize"]?.stringValue.flatMap { Int64($0) } ?? 0,
                      version: o["version"]?.stringValue ?? "", raftTerm: u64(o["raftTerm"]))
    }

    public static func decodeMembers(_ body: String) throws -> [Member] {
        let o = try answer(body)
        guard case .array(let items)? = o["members"] else { return [] }
        func strings(_ v: JSONValue?) -> [String] {
            guard case .array(let a)? = v else { return [] }
            return a.compactMap(\.stringValue)
        }
        return items.map { m in
            Member(id: m["ID"]?.stringValue.flatMap { UInt64($0) } ?? 0, name: m["name"]?.stringValue ?? "",
                   peerURLs: strings(m["peerURLs"]), clientURLs: strings(m["clientURLs"]))
        }
    }
}
