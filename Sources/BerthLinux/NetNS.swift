import Foundation

/// Network namespaces and links, programmed through iproute2 (a well-contained wrapper; netlink comes later).
public enum NetNS {
    public static func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/run/netns/\(name)")
    }

    public static func add(_ name: String) throws { try Exec.check(["ip", "netns", "add", name]) }

    public static func delete(_ name: String) throws {
        guard exists(name) else { return }
        try Exec.check(["ip", "netns", "del", name])
    }

    /// Runs `argv` inside namespace `name`.
    @discardableResult
    public static func exec(_ name: String, _ argv: [String]) throws -> String {
        try Exec.check(["ip", "netns", "exec", name] + argv)
    }

    /// The pids of processes whose network namespace is `name`.
    public static func pids(_ name: String) -> [Int32] {
        guard let out = try? Exec.run(["ip", "netns", "pids", name]), out.status == 0 else { return [] }
        return out.stdout.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
    }
}

/// Links in the root namespace.
public enum Link {
    public static func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
    }

    public static func ensureBridge(_ name: String, address: String) throws {
        if !exists(name) {
            let o = try Exec.run(["ip", "link", "add", name, "type", "bridge"])
            if o.status != 0 && !exists(name) {
                throw Exec.Failure(argv: ["ip", "link", "add", name, "type", "bridge"], status: o.status, stderr: o.stderr)
            }
        }
        let addrs = try Exec.check(["ip", "-o", "-4", "addr", "show", "dev", name])
        if !addrs.contains(" \(address) ") && !addrs.contains(" \(address)\n") && !addrs.contains("inet \(address)") {
            let o = try Exec.run(["ip", "addr", "add", address, "dev", name])
            // A parallel create may have added it between our check and our add.
            if o.status != 0 && !o.stderr.contains("File exists") && !o.stderr.contains("already assigned") {
                throw Exec.Failure(argv: ["ip", "addr", "add", address, "dev", name], status: o.status, stderr: o.stderr)
            }
        }
        try Exec.check(["ip", "link", "set", name, "up"])
    }

    /// Makes a veth pair `host` <-> `peer`, moves `peer` into `netns` named `inside`, and plugs `host` into `bridge`.
    public static func plugVeth(host: String, bridge: String, netns: String, inside: String, address: String) throws {
        if exists(host) { try Exec.check(["ip", "link", "del", host]) }
        let tmp = "\(host)p"
        try Exec.check(["ip", "link", "add", host, "type", "veth", "peer", "name", tmp])
        try Exec.check(["ip", "link", "set", tmp, "netns", netns])
        try Exec.check(["ip", "link", "set", host, "master", bridge])
        try Exec.check(["ip", "link", "set", host, "up"])
        try NetNS.exec(netns, ["ip", "link", "set", tmp, "name", inside])
        try NetNS.exec(netns, ["ip", "addr", "add", address, "dev", inside])
        try NetNS.exec(netns, ["ip", "link", "set", inside, "up"])
        try NetNS.exec(netns, ["ip", "link", "set", "lo", "up"])
    }

    public static func delete(_ name: String) throws {
        guard exists(name) else { return }
        let o = try Exec.run(["ip", "link", "del", name])
        if o.status != 0 && exists(name) {
            throw Exec.Failure(argv: ["ip", "link", "del", name], status: o.status, stderr: o.stderr)
        }
    }

    /// Waits until `name` is gone (root-side veths linger 1-3 s after their namespace is deleted).
    public static func waitGone(_ name: String, timeout: Double = 5) {
        let deadline = Date().addingTimeInterval(timeout)
        while exists(name) && Date() < deadline { usleep(50_000) }
    }

    /// IPv4 networks routed in the root namespace (to refuse a lab subnet that overlaps a real one).
    public static func routedNetworks(excludingDevice dev: String? = nil) -> [(String, String)] {
        guard let out = try? Exec.check(["ip", "-4", "-o", "route", "show"]) else { return [] }
        return out.split(whereSeparator: \.isNewline).compactMap { line in
            let f = line.split(separator: " ").map(String.init)
            guard let first = f.first, let di = f.firstIndex(of: "dev"), di + 1 < f.count else { return nil }
            if let dev, f[di + 1] == dev { return nil }
            return (first, f[di + 1])
        }
    }
}
