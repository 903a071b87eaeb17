import Foundation

extension Exec {
    /// SHA-256 of a local file, hex, through coreutils' sha256sum.
    public static func sha256(_ path: String) throws -> String {
        let out = try check(["sha256sum", path])
        guard let h = out.split(separator: " ").first else { throw Failure(argv: ["sha256sum", path], status: 0, stderr: "no output") }
        return String(h)
    }
}
