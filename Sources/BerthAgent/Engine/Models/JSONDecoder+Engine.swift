#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JSONDecoder {
    /// A decoder for request bodies whose fields are all PascalCase: a key that starts in lower case is matched to
    /// its capitalised name, as Go's `encoding/json` matches keys regardless of case (docker-py sends exec create's
    /// `detachKeys` so).
    static func pascalCaseKeys() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in
            let key = path.last!.stringValue
            guard let first = key.first, first.isLowercase else { return path.last! }
            return PascalKey(stringValue: first.uppercased() + key.dropFirst())
        }
        return decoder
    }
}

private struct PascalKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
