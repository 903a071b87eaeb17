@testable import BerthAgent
import Testing

@Suite("restart policies")
struct RestartPolicyTests {
    func policy(_ name: String, _ count: Int? = nil) -> HostConfig.RestartPolicy {
        HostConfig.RestartPolicy(Name: name, MaximumRetryCount: count)
    }

    /// At agent start, as dockerd at daemon start: always, and unless-stopped unless the user stopped it.
    @Test(arguments: [
        ("always", false, true), ("always", true, true),
        ("unless-stopped", false, true), ("unless-stopped", true, false),
        ("on-failure", false, false), ("no", false, false), ("", false, false),
    ])
    func startsAtBoot(name: String, manuallyStopped: Bool, expected: Bool) {
        #expect(RestartPolicy.startsAtBoot(policy(name), manuallyStopped: manuallyStopped) == expected)
    }

    @Test func noPolicyStartsNothing() {
        #expect(!RestartPolicy.startsAtBoot(nil, manuallyStopped: false))
        #expect(!RestartPolicy.shouldRestart(nil, exitCode: 1, restarts: 0, manuallyStopped: false))
    }

    /// dockerd's back-off: 100 ms doubling, at most a minute.
    @Test func backOff() {
        #expect(RestartPolicy.delay(restarts: 1) == 100_000_000)
        #expect(RestartPolicy.delay(restarts: 4) == 800_000_000)
        #expect(RestartPolicy.delay(restarts: 10) == 51_200_000_000)
        #expect(RestartPolicy.delay(restarts: 11) == 60_000_000_000)
        #expect(RestartPolicy.delay(restarts: 40) == 60_000_000_000)
    }

    /// While the agent runs: a user stop ends every policy; on-failure counts its retries.
    @Test func restartsAfterAnExit() {
        #expect(RestartPolicy.shouldRestart(policy("always"), exitCode: 0, restarts: 5, manuallyStopped: false))
        #expect(!RestartPolicy.shouldRestart(policy("always"), exitCode: 0, restarts: 0, manuallyStopped: true))
        #expect(RestartPolicy.shouldRestart(policy("unless-stopped"), exitCode: 0, restarts: 0, manuallyStopped: false))
        #expect(!RestartPolicy.shouldRestart(policy("on-failure"), exitCode: 0, restarts: 0, manuallyStopped: false))
        #expect(RestartPolicy.shouldRestart(policy("on-failure", 2), exitCode: 1, restarts: 1, manuallyStopped: false))
        #expect(!RestartPolicy.shouldRestart(policy("on-failure", 2), exitCode: 1, restarts: 2, manuallyStopped: false))
        #expect(!RestartPolicy.shouldRestart(policy("no"), exitCode: 1, restarts: 0, manuallyStopped: false))
    }
}
