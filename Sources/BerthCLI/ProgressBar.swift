import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    let label: String
    let enabled: Bool
    private let start = Date()
    private var last = Date.distantPast
    private let lock = NSLock()

    init(label: String, quiet: Bool = false) {
        self.label = label
        self.enabled = !quiet && isatty(2) == 1
    }

    func update(sent: Int64, total: Int64) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) > 0.1 || sent == total else { return }
        last = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(sent) / elapsed
        let frac = total > 0 ? Double(sent) / Double(total) : 1
        let width = 24
        let filled = Int(frac * Double(width))
        let eta = rate > 0 && total > sent ? Int(Double(total - sent) / rate) : 0
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let line = String(format: "\r%@ [%@] %@ / %@  %@/s  ETA %ds ", label, bar, ProgressBar.bytes(sent),
                          ProgressBar.bytes(total), ProgressBar.bytes(Int64(rate)), eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n), i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[i])
    }
}
