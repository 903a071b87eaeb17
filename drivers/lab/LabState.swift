import BerthCore
import Foundation

/// What the lab driver records about a host, in config.json's `Driver`.
struct LabState: Codable {
    /// The lab switch (bridge) name; also the prefix of the host's namespace.
    var network: String
    var subnet: String
    var address: String
    var netns: String
    var veth: String
    /// Store-relative directory holding the host's sshd files and private mounts.
    var hostDir: String
    var sshdPid: Int32?

    enum CodingKeys: String, CodingKey {
        case network = "Network", subnet = "Subnet", address = "IPAddress", netns = "Netns", veth = "Veth"
        case hostDir = "HostDir", sshdPid = "SSHDPid"
    }

    /// A short, stable root-side veth name for a namespace (interface names are at most 15 bytes).
    static func vethName(for netns: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in netns.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return "bl" + String(h, radix: 16).leftPad(8)
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
