extension GoTemplate {
    /// A template that does not parse, or fails while executing. Printed as one line, Go style:
    /// `template: unit:3:14: unexpected "}" in operand` or
    /// `template: unit:1:3: executing at <.Host.Name>: nil pointer evaluating interface {}.Name`.
    public struct Error: Swift.Error, CustomStringConvertible, Equatable, Sendable {
        /// Whether the template failed to parse or to execute.
        public enum Phase: Sendable, Equatable {
            case parse
            case execute
        }

        public var phase: Phase
        /// The template's name, or "" when it has none.
        public var name: String
        /// Byte offset in the template text where the problem lies.
        public var offset: Int
        public var line: Int
        public var column: Int
        /// The source text of the action being executed (execution errors only).
        public var context: String
        public var message: String

        public var description: String {
            let location = name.isEmpty ? "\(line):\(column)" : "\(name):\(line):\(column)"
            switch phase {
            case .parse:
                return "template: \(location): \(message)"
            case .execute:
                return "template: \(location): executing at <\(context)>: \(message)"
            }
        }
    }

    /// Line and column (both 1-based, column in bytes) of a byte offset in `source`.
    static func location(of offset: Int, in source: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for b in source.prefix(min(offset, source.count)) {
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
