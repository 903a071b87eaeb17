/// Docker's detach keys: the byte sequence on an attached stdin that detaches the client instead of reaching the
/// process (`ctrl-p,ctrl-q` unless the client names others). Pure.
public struct DetachKeys: Sendable, Equatable {
    public var sequence: [UInt8]

    public static let standard = DetachKeys(sequence: [0x10, 0x11])

    public init(sequence: [UInt8]) { self.sequence = sequence }

    /// Parses docker's form: comma-separated keys, each one character or `ctrl-<c>` with `c` one of a-z, @, [, \,
    /// ], ^, _. Nil or empty text gives the standard keys.
    public init(parsing text: String?) throws {
        guard let text, !text.isEmpty else {
            self = .standard
            return
        }
        var bytes: [UInt8] = []
        for key in text.split(separator: ",", omittingEmptySubsequences: false) {
            let utf8 = Array(key.utf8)
            if utf8.count == 1 {
                bytes.append(utf8[0])
            } else if key.lowercased().hasPrefix("ctrl-"), utf8.count == 6 {
                let c = Character(String(key.lowercased().dropFirst(5)))
                switch c {
                case "a"..."z": bytes.append(c.asciiValue! - Character("a").asciiValue! + 1)
                case "@": bytes.append(0)
                case "[": bytes.append(27)
                case "\\": bytes.append(28)
                case "]": bytes.append(29)
                case "^": bytes.append(30)
                case "_": bytes.append(31)
                default: throw Invalid(text: text)
                }
            } else {
                throw Invalid(text: text)
            }
        }
        sequence = bytes
    }

    /// dockerd's words for keys it cannot read.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var text: String
        public init(text: String) { self.text = text }
        public var description: String { "Invalid detach keys (\(text)) provided" }
    }
}

/// Watches an input stream for the detach keys: bytes that could start the sequence are held back until it is
/// clear whether they do (then they are dropped and the client detaches) or not (then they pass on).
public struct DetachKeyMatcher: Sendable {
    public let keys: DetachKeys
    private var held: [UInt8] = []

    public init(_ keys: DetachKeys) { self.keys = keys }

    /// What of `chunk` goes on to the process, and whether the keys were typed (everything after them is dropped).
    public mutating func feed(_ chunk: [UInt8]) -> (forward: [UInt8], detach: Bool) {
        guard !keys.sequence.isEmpty else { return (chunk, false) }
        var out: [UInt8] = []
        for byte in chunk {
            if byte == keys.sequence[held.count] {
                held.append(byte)
                if held.count == keys.sequence.count { return (out, true) }
            } else {
                out += held
                held = []
                if byte == keys.sequence[0] { held.append(byte) } else { out.append(byte) }
                if held.count == keys.sequence.count { return (out, true) }
            }
        }
        return (out, false)
    }
}
