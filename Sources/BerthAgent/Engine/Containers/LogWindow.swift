import BerthRuntime

/// The `since`/`until` bounds of `docker logs`, both inclusive, as dockerd applies them: entries older than `since`
/// are skipped, and the first one newer than `until` ends the output.
struct LogWindow: Sendable, Equatable {
    var since: Timestamp.Instant?
    var until: Timestamp.Instant?

    enum Place: Equatable { case before, inside, after }

    /// Where an entry falls; an entry whose time cannot be read is kept.
    func place(_ entry: LogEntry) -> Place {
        guard since != nil || until != nil, let time = Timestamp.parse(entry.time) else { return .inside }
        if let since, time < since { return .before }
        if let until, time > until { return .after }
        return .inside
    }

    /// Whether `now` is later than `until`, which ends `follow`.
    func isPast(_ now: Timestamp.Instant) -> Bool {
        guard let until else { return false }
        return now > until
    }

    /// A query value: absent, empty or `0` mean no bound, as in dockerd.
    /// - Throws: `APIError.invalidArgument` for a value that is not a time.
    static func bound(_ value: String?, _ name: String) throws -> Timestamp.Instant? {
        guard let value, !value.isEmpty, value != "0" else { return nil }
        guard let instant = Timestamp.parse(value) else {
            throw APIError.invalidArgument("invalid value for \(name): \(value)")
        }
        return instant == Timestamp.Instant(seconds: 0, nanoseconds: 0) ? nil : instant
    }
}
