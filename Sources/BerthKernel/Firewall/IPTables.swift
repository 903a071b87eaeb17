/// iptables, spawned as dockerd does (absolute paths, fixed environment, `-w` to wait for the xtables lock).
/// Several rules at once go through one `iptables-restore --noflush`, which commits them atomically.
public struct IPTables: Firewall {
    public var iptables: String
    public var restore: String
    let spawner: any Spawner

    public init(iptables: String = "/usr/sbin/iptables", restore: String = "/usr/sbin/iptables-restore",
                spawner: any Spawner = SystemSpawner()) {
        self.iptables = iptables
        self.restore = restore
        self.spawner = spawner
    }

    /// The exit status of a tool run; -1 when it could not start.
    func status(_ argv: [String], input: String? = nil) -> Int32 {
        (try? spawner.run(.tool(argv, input: input)).status) ?? -1
    }

    @discardableResult
    func check(_ argv: [String], input: String? = nil) throws -> String {
        try spawner.check(.tool(argv, input: input))
    }

    public func ensure(_ rules: [[String]]) throws {
        let missing = rules.filter { status([iptables, "-w"] + Self.replacing($0, "-A", with: "-C")) != 0 }
        try append(missing)
    }

    public func append(_ rules: [[String]]) throws {
        switch rules.count {
        case 0: return
        case 1: try check([iptables, "-w"] + rules[0])
        default: try check([restore, "-w", "--noflush"], input: Self.restoreInput(rules))
        }
    }

    public func delete(_ rules: [[String]]) {
        let deletions = rules.map { Self.replacing($0, "-A", with: "-D") }
        if deletions.count > 1,
           status([restore, "-w", "--noflush"], input: Self.restoreInput(deletions)) == 0 { return }
        // One batch fails whole when a rule is missing: then one by one, quietly.
        for rule in deletions { _ = status([iptables, "-w"] + rule) }
    }

    public func listing(table: String) throws -> String {
        try check([iptables, "-w", "-t", table, "-S"])
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
