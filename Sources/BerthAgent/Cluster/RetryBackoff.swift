/// Waits between retries of the cluster store: doubling from `initial` up to `maximum`, back to `initial` once a
/// call succeeds.
struct RetryBackoff: Sendable {
    let initial: Duration
    let maximum: Duration
    private var current: Duration

    init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(4)) {
        self.initial = initial
        self.maximum = maximum
        current = initial
    }

    /// The next wait, and doubles the one after.
    mutating func next() -> Duration {
        let wait = current
        current = min(current * 2, maximum)
        return wait
    }

    mutating func reset() { current = initial }
}
