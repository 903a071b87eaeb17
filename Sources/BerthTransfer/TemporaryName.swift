import Foundation

/// The names of in-flight copies: `.NAME.berth-tmp-XXXXXXXXXXXX` beside the destination.
public enum TemporaryName {
    static let marker = ".berth-tmp-"
    static let randomDigits = 12
    /// The longest file name most file systems take.
    static let maxNameBytes = 255

    /// A fresh temporary path beside `path`.
    public static func make(for path: String, random: () -> UInt8 = { UInt8.random(in: 0...255) }) -> String {
        let digits = Array("0123456789abcdef")
        let suffix = String((0..<randomDigits / 2).flatMap { _ -> [Character] in
            let b = random()
            return [digits[Int(b >> 4)], digits[Int(b & 0xf)]]
        })
        var name = CopyNaming.lastComponent(path)
        let room = maxNameBytes - 1 - marker.utf8.count - randomDigits
        while name.utf8.count > room { name.removeLast() }
        // Keep the directory part exactly as written (`./x` stays relative to `.`).
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let dir = trimmed.lastIndex(of: "/").map { String(trimmed[...$0]) } ?? ""
        return dir + "." + name + marker + suffix
    }

    /// Whether `name` (no directory part) is one of these temporary names.
    public static func isTemporary(_ name: String) -> Bool {
        guard name.hasPrefix("."), let r = name.range(of: marker, options: .backwards) else { return false }
        let tail = name[r.upperBound...]
        return tail.count == randomDigits && tail.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
