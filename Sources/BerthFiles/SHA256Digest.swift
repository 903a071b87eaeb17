import BerthCore

/// The copier's SHA-256 is BerthCore's, the one Berth has.
public typealias SHA256Digest = BerthCore.SHA256Digest
