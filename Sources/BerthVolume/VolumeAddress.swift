import BerthCore

/// `MACHINE:VOLUME` (or `MACHINE` alone where the volume name may default). Pure.
public struct VolumeAddress: Equatable, Sendable, CustomStringConvertible {
    public var machine: String
    public var volume: String?

    public init(machine: String, volume: String?) {
        self.machine = machine
        self.volume = volume
    }

    /// Parses `MACHINE:VOLUME`; with `volumeOptional`, `MACHINE` alone too.
    public static func parse(_ text: String, volumeOptional: Bool = false) throws -> VolumeAddress {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard !parts[0].isEmpty else {
            throw BerthError.invalidArgument("\"\(text)\": expected MACHINE:VOLUME")
        }
        if parts.count == 1 || parts[1].isEmpty {
            guard volumeOptional else { throw BerthError.invalidArgument("\"\(text)\": expected MACHINE:VOLUME") }
            return VolumeAddress(machine: parts[0], volume: nil)
        }
        guard validVolumeName(parts[1]) else {
            throw BerthError.invalidArgument("\"\(parts[1])\": a volume name is [a-zA-Z0-9][a-zA-Z0-9_.-]+")
        }
        return VolumeAddress(machine: parts[0], volume: parts[1])
    }

    /// Docker's volume name rule.
    public static func validVolumeName(_ name: String) -> Bool {
        let s = Array(name.unicodeScalars)
        func alnum(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        return s.count >= 2 && alnum(s[0]) && s.dropFirst().allSatisfy { alnum($0) || "_.-".unicodeScalars.contains($0) }
    }

    public var description: String { volume.map { "\(machine):\($0)" } ?? machine }
}
