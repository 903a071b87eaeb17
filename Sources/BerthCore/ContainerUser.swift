/// `docker run -u` / `exec -u` as runc resolves them against the container's `/etc/passwd` and `/etc/group`:
/// `NAME`, `UID`, `NAME:GROUP`, `UID:GID`. A user found in passwd takes its primary group; a numeric uid that is not
/// there gets gid 0, as dockerd gives it. Pure: the caller reads the two files.
public enum ContainerUser {
    public struct Resolved: Equatable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
        public init(uid: UInt32, gid: UInt32) {
            self.uid = uid
            self.gid = gid
        }
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// passwd lines as (name, uid, gid); group lines as (name, gid). Malformed lines are skipped.
    static func entries(_ text: String?, fields: Int) -> [[String]] {
        (text ?? "").split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            return parts.count >= fields && !parts[0].hasPrefix("#") ? parts : nil
        }
    }

    public static func resolve(_ spec: String?, passwd: String?, group: String?) throws -> Resolved {
        guard let spec, !spec.isEmpty else { return Resolved(uid: 0, gid: 0) }
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let users = entries(passwd, fields: 4)
        var uid: UInt32
        var gid: UInt32 = 0
        if let entry = users.first(where: { $0[0] == parts[0] }) ?? UInt32(parts[0]).flatMap({ n in users.first { UInt32($0[2]) == n } }),
           let u = UInt32(entry[2]), let g = UInt32(entry[3]) {
            uid = u
            gid = g
        } else if let n = UInt32(parts[0]) {
            uid = n
        } else if parts[0] == "root" {
            uid = 0
        } else {
            throw Failure(description: "unable to find user \(parts[0]): no matching entries in passwd file")
        }
        if parts.count == 2 {
            let wanted = parts[1]
            if let n = UInt32(wanted) {
                gid = n
            } else if let entry = entries(group, fields: 3).first(where: { $0[0] == wanted }), let g = UInt32(entry[2]) {
                gid = g
            } else {
                throw Failure(description: "unable to find group \(wanted): no matching entries in group file")
            }
        }
        return Resolved(uid: uid, gid: gid)
    }

    /// The supplementary groups of a process besides its primary one (runc lists that first): the groups
    /// /etc/group lists the user (`spec`'s name, or the passwd name of its uid) as a member of, then `--group-add`
    /// entries (names looked up in /etc/group, numbers as they are); no duplicates, in that order.
    public static func supplementaryGroups(_ spec: String?, adds: [String], passwd: String?,
                                           group: String?) throws -> [UInt32] {
        let groups = entries(group, fields: 4)
        var out: [UInt32] = []
        func add(_ gid: UInt32) { if !out.contains(gid) { out.append(gid) } }
        let user = (spec ?? "").split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var name = user
        if let n = UInt32(user), let entry = entries(passwd, fields: 4).first(where: { UInt32($0[2]) == n }) { name = entry[0] }
        if !name.isEmpty {
            for entry in groups where entry[3].split(separator: ",").contains(where: { $0 == name }) {
                if let gid = UInt32(entry[2]) { add(gid) }
            }
        }
        for wanted in adds {
            if let n = UInt32(wanted) {
                add(n)
            } else if let entry = entries(group, fields: 3).first(where: { $0[0] == wanted }), let gid = UInt32(entry[2]) {
                add(gid)
            } else {
                throw Failure(description: "Unable to find group \(wanted): no matching entries in group file")
            }
        }
        return out
    }
}
