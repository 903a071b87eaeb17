import Foundation

/// A point in monotonic time after which a wait gives up; `nil` seconds waits forever.
struct Deadline {
    private let end: UInt64?
    let seconds: Double?

    init(seconds: Double?) {
        self.seconds = seconds
        if let seconds, seconds.isFinite, seconds >= 0 {
            end = DispatchTime.now().uptimeNanoseconds &+ UInt64(seconds * 1_000_000_000)
        } else {
            end = nil
        }
    }

    static let never = Deadline(seconds: nil)

    var isExpired: Bool {
        guard let end else { return false }
        return DispatchTime.now().uptimeNanoseconds >= end
    }

    /// Milliseconds left for poll(2): -1 for no limit, 0 when expired, capped to Int32.
    var pollTimeout: Int32 {
        guard let end else { return -1 }
        let now = DispatchTime.now().uptimeNanoseconds
        if now >= end { return 0 }
        let ms = (end - now + 999_999) / 1_000_000
        return Int32(min(ms, UInt64(Int32.max)))
    }

    /// The smaller of this deadline's remaining time and `ms` (or `ms` if unlimited), for poll(2).
    func pollTimeout(cappedAt ms: Int32) -> Int32 {
        let own = pollTimeout
        if ms < 0 { return own }
        return own < 0 ? ms : min(own, ms)
    }
}
