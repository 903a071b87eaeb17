import BerthKernel

/// A ``Firewall`` for unit tests: keeps the rules it was given, so `ensure` appends only what is missing, and
/// records every call as a line (`append -t nat -A ...`).
public final class RecordingFirewall: Firewall, @unchecked Sendable {
    private let lock = NSLockish()
    private var _rules: [[String]] = []
    private var _calls: [String] = []

    public init() {}

    public var rules: [[String]] { lock.with { _rules } }
    public var calls: [String] { lock.with { _calls } }

    public func ensure(_ rules: [[String]]) throws {
        lock.with {
            for rule in rules where !_rules.contains(rule) {
                _rules.append(rule)
                _calls.append("ensure " + rule.joined(separator: " "))
            }
        }
    }

    public func append(_ rules: [[String]]) throws {
        lock.with {
            if !rules.isEmpty { _calls.append("append \(rules.count) rule(s) in one batch") }
            _rules += rules
        }
    }

    public func delete(_ rules: [[String]]) {
        lock.with {
            for rule in rules {
                let added = rule.map { $0 == "-D" ? "-A" : $0 }
                _calls.append("delete " + added.joined(separator: " "))
                _rules.removeAll { $0 == added }
            }
        }
    }

    public func listing(table: String) throws -> String {
        lock.with {
            _rules.filter { $0.count > 2 && $0[0] == "-t" && $0[1] == table }
                .map { Array($0.dropFirst(2)).joined(separator: " ") }.joined(separator: "\n")
        }
    }
}
