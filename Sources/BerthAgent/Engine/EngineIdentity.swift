#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import Logging

/// The engine ID `/info` reports: a UUID kept in `<dataRoot>/engine-id`, as dockerd does, so it is stable
/// across restarts and distinct per data root.
enum EngineIdentity {
    static let fileName = "engine-id"

    /// Reads the ID, creating the data root and the file on first use. If the data root cannot be written,
    /// falls back to an ID derived from the host name and data root (stable, but not stored) and logs why.
    static func load(dataRoot: String, hostname: String, logger: Logger) -> String {
        let url = URL(fileURLWithPath: dataRoot).appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: url.path) {
            let stored = String(decoding: data, as: UTF8.self).trimmingWhitespaceAndNewlines()
            if UUID(uuidString: stored) != nil { return stored }
        }
        let id = UUID().uuidString.lowercased()
        do {
            try FileManager.default.createDirectory(atPath: dataRoot, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o711])
            try Data((id + "\n").utf8).write(to: url, options: .atomic)
            return id
        } catch {
            let derived = derivedID(hostname: hostname, dataRoot: dataRoot)
            logger.warning("cannot store engine ID, using a derived one", metadata: [
                "path": "\(url.path)", "error": "\(error)", "id": "\(derived)",
            ])
            return derived
        }
    }

    /// A UUID-shaped ID from two FNV-1a hashes of `hostname` and `dataRoot`.
    static func derivedID(hostname: String, dataRoot: String) -> String {
        func fnv(_ text: String, seed: UInt64) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            return hash
        }
        let key = hostname + "\u{0}" + dataRoot
        let hex = [fnv(key, seed: 1), fnv(key, seed: 2)].map { word -> String in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}
