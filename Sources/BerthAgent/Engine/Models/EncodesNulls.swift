/// For inspect shapes that mirror Go structs: every stored property is written, in declaration order, and a nil
/// optional as `null` (Go's nil slice or map) rather than left out. Conformers call ``encodeAllProperties(to:)``.
protocol EncodesNulls: Encodable {}

extension EncodesNulls {
    func encodeAllProperties(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let value = child.value as? any Encodable else { continue }
            try container.encode(value, forKey: AnyCodingKey(label))
        }
    }
}

/// A coding key made of any string.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
