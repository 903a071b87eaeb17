#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One row of `ls`: what was learned about a machine, ready to print.
public struct MachineListEntry: Sendable, Equatable {
    public var name: String
    /// `*` for the active machine, `-` otherwise, `""` on a timed-out row.
    public var activeMark: String
    public var driverName: String
    /// The state as printed: Running, Stopped, Error, Timeout, …
    public var state: String
    /// `tcp://IP:2376`, or `""` when unknown.
    public var url: String
    public var swarm: String
    /// `v28.2.0`, `Unknown`, or `""` on a timed-out row.
    public var dockerVersion: String
    /// One line, or `""`.
    public var error: String
    /// How long the query took, in seconds (printed as a Go duration rounded to the millisecond).
    public var responseTime: TimeInterval
    /// Engine labels as `key=value`, matched by `--filter label=key=value`.
    public var labels: [String]

    /// A row for a machine that answered; see `timedOut` for one that did not.
    public init(name: String, activeMark: String = "-", driverName: String, state: String, url: String = "",
                swarm: String = "", dockerVersion: String = "Unknown", error: String = "",
                responseTime: TimeInterval = 0, labels: [String] = []) {
        self.name = name
        self.activeMark = activeMark
        self.driverName = driverName
        self.state = state
        self.url = url
        self.swarm = swarm
        self.dockerVersion = dockerVersion
        self.error = error
        self.responseTime = responseTime
        self.labels = labels
    }

    /// The row for a machine that did not answer within `timeout`: only NAME, DRIVER and STATE `Timeout`.
    public static func timedOut(name: String, driverName: String, timeout: TimeInterval,
                                labels: [String] = []) -> MachineListEntry {
        MachineListEntry(name: name, activeMark: "", driverName: driverName, state: "Timeout", dockerVersion: "",
                         responseTime: timeout, labels: labels)
    }

    /// `*` when the machine is Running and its URL equals `$DOCKER_HOST`, else `-`.
    public static func activeMark(state: String, url: String, dockerHost: String?) -> String {
        state == "Running" && !url.isEmpty && url == (dockerHost ?? "") ? "*" : "-"
    }

    /// `v` + the engine version, or `Unknown` when there is none.
    public static func dockerVersionLabel(_ version: String?) -> String {
        guard let version, !version.isEmpty else { return "Unknown" }
        return version.hasPrefix("v") ? version : "v" + version
    }

    /// `responseTime` as Go prints a `time.Duration` rounded to the millisecond: `0s`, `12ms`, `1.5s`, `1m2s`.
    public var responseTimeText: String {
        MachineListEntry.goDuration(nanoseconds: Int64((responseTime * 1000).rounded()) * 1_000_000)
    }

    /// The fields a `--format` template sees, named as docker-machine's HostListItem:
    /// `.Name .Active .ActiveHost .ActiveSwarm .DriverName .State .URL .Swarm .DockerVersion .Error
    /// .ResponseTime`, plus `.Labels`.
    public var templateValue: GoTemplate.Value {
        .object([
            "Name": .string(name),
            "Active": .string(activeMark),
            "ActiveHost": .bool(activeMark == "*"),
            "ActiveSwarm": .bool(false),
            "DriverName": .string(driverName),
            "State": .string(state),
            "URL": .string(url),
            "Swarm": .string(swarm),
            "DockerVersion": .string(dockerVersion),
            "Error": .string(error),
            "ResponseTime": .string(responseTimeText),
            "Labels": .array(labels.map { .string($0) }),
        ])
    }

    /// Go's `time.Duration.String()`.
    public static func goDuration(nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        var u = nanoseconds.magnitude
        var text: String
        func fraction(_ value: UInt64, digits: Int) -> (String, UInt64) {
            if digits == 0 { return ("", value) }
            var scale: UInt64 = 1
            for _ in 0..<digits { scale *= 10 }
            let whole = value / scale
            var frac = String(value % scale)
            frac = String(repeating: "0", count: digits - frac.count) + frac
            while frac.hasSuffix("0") { frac.removeLast() }
            return (frac.isEmpty ? "" : "." + frac, whole)
        }
        if u < 1_000_000_000 {
            let (unit, digits): (String, Int) = u < 1_000 ? ("ns", 0) : (u < 1_000_000 ? ("µs", 3) : ("ms", 6))
            let (frac, whole) = fraction(u, digits: digits)
            text = String(whole) + frac + unit
        } else {
            let (frac, seconds) = fraction(u, digits: 9)
            text = String(seconds % 60) + frac + "s"
            u = seconds / 60
            if u > 0 {
                text = String(u % 60) + "m" + text
                u /= 60
                if u > 0 { text = String(u) + "h" + text }
            }
        }
        return negative ? "-" + text : text
    }
}
