/// The packet filter. Rules are iptables argument lists, `-t TABLE -A CHAIN ...` (BerthCore's `FirewallRules`
/// makes them). Drivers take one through `init`; ``IPTables`` is the real one, unit tests record.
public protocol Firewall: Sendable {
    /// Appends each rule that is not there yet.
    func ensure(_ rules: [[String]]) throws
    /// Appends the rules, all of them or none.
    func append(_ rules: [[String]]) throws
    /// Deletes the rules (given in their `-A` or `-D` form); quiet about rules that are not there.
    func delete(_ rules: [[String]])
    /// `iptables -t TABLE -S`: the table's rules, one `-A ...` line each.
    func listing(table: String) throws -> String
}
