/// Docker's restart policies: `no`, `always`, `unless-stopped`, `on-failure[:N]`.
enum RestartPolicy {
    static let names: Set<String> = ["", "no", "always", "unless-stopped", "on-failure"]

    /// Rejects unknown names and a retry count on anything but on-failure, with dockerd's wording.
    static func validate(_ policy: HostConfig.RestartPolicy?) throws {
        guard let policy else { return }
        let name = policy.Name ?? ""
        guard names.contains(name) else { throw APIError.invalidArgument("invalid restart policy '\(name)'") }
        let count = policy.MaximumRetryCount ?? 0
        if count < 0 { throw APIError.invalidArgument("invalid restart policy: maximum retry count cannot be negative") }
        if count > 0, name != "on-failure" {
            throw APIError.invalidArgument("invalid restart policy: maximum retry count can only be used with 'on-failure'")
        }
    }

    /// Whether a container that exited with `exitCode` after `restarts` restarts starts again.
    static func shouldRestart(_ policy: HostConfig.RestartPolicy?, exitCode: Int, restarts: Int,
                              manuallyStopped: Bool) -> Bool {
        guard let policy, !manuallyStopped else { return false }
        switch policy.Name ?? "" {
        case "always", "unless-stopped":
            return true
        case "on-failure":
            let max = policy.MaximumRetryCount ?? 0
            return exitCode != 0 && (max == 0 || restarts < max)
        default:
            return false
        }
    }

    /// Whether a stopped container starts when the agent starts, as dockerd decides at daemon start: `always` does
    /// (even after `docker stop`), `unless-stopped` does unless the user stopped it, `on-failure` and `no` do not.
    static func startsAtBoot(_ policy: HostConfig.RestartPolicy?, manuallyStopped: Bool) -> Bool {
        switch policy?.Name ?? "" {
        case "always":
            return true
        case "unless-stopped":
            return !manuallyStopped
        default:
            return false
        }
    }

    /// A run this long resets the back-off (dockerd's restart manager).
    static let resetAfterSeconds = 10

    /// Back-off before the `restarts`th restart in a row: 100 ms doubling per restart, at most a minute (dockerd's).
    static func delay(restarts: Int) -> UInt64 {
        let ms = min(100 << min(max(restarts - 1, 0), 10), 60_000)
        return UInt64(ms) * 1_000_000
    }
}
