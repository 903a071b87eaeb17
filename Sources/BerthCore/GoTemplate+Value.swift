#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension GoTemplate {
    /// The data a template is executed against: a JSON-like tree.
    ///
    /// Integers and floating-point numbers are kept apart so that `{{.Port}}` prints `2376`, not `2376.0`.
    /// Objects print and range in key order, as Go does for maps.
    public indirect enum Value: Equatable, Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([Value])
        case object([String: Value])

        /// Builds a value from any `Encodable` by encoding it to JSON with `encoder` and reading that back.
        public init<T: Encodable>(encoding value: T, encoder: JSONEncoder = JSONEncoder()) throws {
            let data = try encoder.encode(value)
            self = try JSONDecoder().decode(Value.self, from: data)
        }

        /// Reads a value from JSON text.
        public init(json data: Data) throws {
            self = try JSONDecoder().decode(Value.self, from: data)
        }

        /// Go's truth: false, 0, "", nil and empty collections are false; everything else is true.
        public var isTruthy: Bool {
            switch self {
            case .null: return false
            case .bool(let b): return b
            case .int(let i): return i != 0
            case .double(let d): return d != 0
            case .string(let s): return !s.isEmpty
            case .array(let a): return !a.isEmpty
            case .object(let o): return !o.isEmpty
            }
        }

        /// The name Go would give this value's type in error messages (`map[string]interface {}` etc.).
        var goTypeName: String {
            switch self {
            case .null: return "interface {}"
            case .bool: return "bool"
            case .int: return "int"
            case .double: return "float64"
            case .string: return "string"
            case .array: return "[]interface {}"
            case .object: return "map[string]interface {}"
            }
        }

        /// The text `{{.}}` prints for this value, following fmt's `%v`.
        public var goDescription: String {
            switch self {
            case .null: return "<nil>"
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .double(let d): return GoTemplate.formatFloat(d)
            case .string(let s): return s
            case .array(let a): return "[" + a.map(\.goDescription).joined(separator: " ") + "]"
            case .object(let o):
                let parts = o.keys.sorted().map { "\($0):\(o[$0]?.goDescription ?? "<nil>")" }
                return "map[" + parts.joined(separator: " ") + "]"
            }
        }
    }
}

extension GoTemplate.Value: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([GoTemplate.Value].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: GoTemplate.Value].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension GoTemplate.Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: GoTemplate.Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, GoTemplate.Value)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
