/// iptables, spawned as dockerd does (absolute paths, fixed environment, `-w` to wait for the xtables lock).
/// Several rules at once go through one `iptables-restore --noflush`, which commits them atomically.
public struct IPTables: Firewall {
    public var iptables: String
    public var restore: String

    public init(iptables: String = "/usr/sbin/iptables", restore: String = "/usr/sbin/iptables-restore") {
        self.iptables = iptables
        self.restore = restore
    }

    public func ensure(_ rules: [[String]]) throws {
        let missing = rules.filter { ToolRunner.run([iptables, "-w"] + Self.replacing($0, "-A", with: "-C")).status != 0 }
        try append(missing)
    }

    public func append(_ rules: [[String]]) throws {
        switch rules.count {
        case 0: return
        case 1: try ToolRunner.check([iptables, "-w"] + rules[0])
        default: try ToolRunner.check([restore, "-w", "--noflush"], input: Self.restoreInput(rules))
        }
    }

    public func delete(_ rules: [[String]]) {
        let deletions = rules.map { Self.replacing($0, "-A", with: "-D") }
        if deletions.count > 1,
           ToolRunner.run([restore, "-w", "--noflush"], input: Self.restoreInput(deletions)).status == 0 { return }
        // One batch fails whole when a rule is missing: then one by one, quietly.
        for rule in deletions { _ = ToolRunner.run([iptables, "-w"] + rule) }
    }

    public func listing(table: String) throws -> String {
        try ToolRunner.check([iptables, "-w", "-t", table, "-S"])
    }

    static func replacing(_ rule: [String], _ old: String, with new: String) -> [String] {
        rule.map { $0 == old ? new : $0 }
    }

    /// `iptables-restore` input for `rules` (`-t TABLE` taken out, one `*table ... COMMIT` block per table, in
    /// the order the tables first appear; `filter` when a rule names none). Pure.
    public static func restoreInput(_ rules: [[String]]) -> String {
        var order: [String] = []
        var lines: [String: [String]] = [:]
        for rule in rules {
            var args = rule
            var table = "filter"
            if let i = args.firstIndex(of: "-t"), i + 1 < args.count {
                table = args[i + 1]
                args.removeSubrange(i...(i + 1))
            }
            if lines[table] == nil { order.append(table) }
            lines[table, default: []].append(args.map(quote).joined(separator: " "))
        }
        return order.map { "*\($0)\n" + lines[$0]!.joined(separator: "\n") + "\nCOMMIT\n" }.joined()
    }

    /// iptables-restore splits on blanks and honours double quotes.
    static func quote(_ arg: String) -> String {
        guard arg.isEmpty || arg.contains(where: { $0 == " " || $0 == "\"" || $0 == "\t" }) else { return arg }
        return "\"" + arg.map { $0 == "\"" ? "\\\"" : String($0) }.joined() + "\""
    }
}
