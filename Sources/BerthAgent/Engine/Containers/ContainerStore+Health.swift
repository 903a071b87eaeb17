#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime
import Glibc
import NIOCore

/// Healthchecks as dockerd runs them: the probe is an exec in the container every interval (the start interval
/// during the start period), with a timeout; `State.Health` keeps the status, the failures in a row and the last five
/// results; a change of status is a `health_status: …` event.
extension ContainerStore {
    static let healthLogSize = 5

    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
    static let healthOutputLimit = 4096

    struct HealthTiming {
        var interval: UInt64
        var timeout: UInt64
        var startPeriod: UInt64
        var startInterval: UInt64
        var retries: Int

        init(_ config: HealthConfig) {
            func ns(_ value: Int64?, _ fallback: UInt64) -> UInt64 { (value ?? 0) > 0 ? UInt64(value!) : fallback }
            interval = ns(config.Interval, 30_000_000_000)
            timeout = ns(config.Timeout, 30_000_000_000)
            startPeriod = ns(config.StartPeriod, 0)
            startInterval = ns(config.StartInterval, 5_000_000_000)
            retries = (config.Retries ?? 0) > 0 ? config.Retries! : 3
        }
    }

    /// Starts probing a running container that has a healthcheck (its status starts as `starting`).
    func startHealthcheck(_ id: String) {
        stopHealthcheck(id)
        guard var record = records[id], let config = record.config.Healthcheck, config.isActive else { return }
        record.state.Health = HealthState()
        save(record)
        let timing = HealthTiming(config)
        let test = config.Test ?? []
        healthTasks[id] = Task { [weak self] in
            let started = Self.monotonicNanoseconds()
            while !Task.isCancelled {
                let inStart = Self.monotonicNanoseconds() - started < timing.startPeriod
                try? await Task.sleep(nanoseconds: inStart ? timing.startInterval : timing.interval)
                guard !Task.isCancelled, let self else { return }
                guard let result = await self.probe(id, test: test, timeout: timing.timeout) else { return }
                let stillInStart = Self.monotonicNanoseconds() - started < timing.startPeriod
                await self.record(result, for: id, retries: timing.retries, inStartPeriod: stillInStart)
            }
        }
    }

    func stopHealthcheck(_ id: String) {
        healthTasks.removeValue(forKey: id)?.cancel()
    }

    /// Runs the probe once; nil when the container is no longer running.
    func probe(_ id: String, test: [String], timeout: UInt64) async -> HealthResult? {
        let command: [String]
        switch test.first {
        case "CMD-SHELL": command = ["/bin/sh", "-c", test.dropFirst().joined(separator: " ")]
        default: command = Array(test.dropFirst())
        }
        var request = ExecCreateRequest()
        request.Cmd = command
        request.AttachStdout = true
        request.AttachStderr = true
        let begin = Timestamp.now()
        guard let execID = try? createExec(id, request: request), let exec = try? self.exec(execID),
              let (socket, process) = try? execProcess(exec, tty: false) else { return nil }
        defer { execs.removeValue(forKey: execID) }
        let shimRequest = ShimRequest(op: .exec, execID: execID, process: process)
        let outcome: (output: [UInt8], started: Bool, timedOut: Bool) = await withTaskGroup(
            of: (output: [UInt8], started: Bool, timedOut: Bool)?.self) { group in
            let pidBox = PidBox()
            group.addTask {
                var output: [UInt8] = []
                do {
                    let connection = try await ShimClient.connect(socket)
                    return try await connection.executeThenClose { inbound, outbound in
                        try await outbound.write(ShimClient.encode(shimRequest))
                        var iterator = inbound.makeAsyncIterator()
                        let (reply, rest) = try await ShimClient.readReply(&iterator)
                        guard reply.ok else {
                            output = Array((reply.error ?? "exec failed").utf8)
                            return (output, false, false)
                        }
                        pidBox.pid = reply.pid.map { Int32($0) } ?? 0
                        var frames = FrameReader()
                        frames.feed(rest, into: &output)
                        while let chunk = try await iterator.next() { frames.feed(chunk, into: &output) }
                        return (output, true, false)
                    }
                } catch {
                    return (output, false, false)
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: timeout)
                if Task.isCancelled { return nil }
                if pidBox.pid > 0 { Glibc.kill(pidBox.pid, SIGKILL) }
                return ([], true, true)
            }
            var result: (output: [UInt8], started: Bool, timedOut: Bool) = ([], false, false)
            if let first = await group.next(), let value = first { result = value }
            group.cancelAll()
            return result
        }
        if outcome.timedOut {
            let seconds = Double(timeout) / 1e9
            let shown = seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
            return HealthResult(Start: begin, End: Timestamp.now(), ExitCode: -1,
                                Output: "Health check exceeded timeout (\(shown))")
        }
        var status = execStatus(exec)
        for _ in 0..<50 where status == nil && outcome.started {
            try? await Task.sleep(nanoseconds: 20_000_000)
            status = execStatus(exec)
        }
        let text = String(decoding: outcome.output.prefix(Self.healthOutputLimit), as: UTF8.self)
        return HealthResult(Start: begin, End: Timestamp.now(), ExitCode: Int(status?.exitCode ?? (outcome.started ? 1 : 126)),
                            Output: text)
    }

    /// Folds one result into `State.Health`, as dockerd does: failures during the start period do not count until
    /// a probe has passed.
    func record(_ result: HealthResult, for id: String, retries: Int, inStartPeriod: Bool) {
        guard var record = records[id], record.state.Running, var health = record.state.Health else { return }
        let before = health.Status
        health.Log.append(result)
        if health.Log.count > Self.healthLogSize { health.Log.removeFirst(health.Log.count - Self.healthLogSize) }
        if result.ExitCode == 0 {
            health.FailingStreak = 0
            health.Status = "healthy"
        } else if !(inStartPeriod && health.Status == "starting") {
            health.FailingStreak += 1
            if health.FailingStreak >= retries { health.Status = "unhealthy" }
        }
        record.state.Health = health
        save(record)
        if health.Status != before {
            emit("health_status: \(health.Status)", record)
        }
    }
}

/// The probe's pid, set by the reader and read by the timer.
private final class PidBox: @unchecked Sendable {
    var pid: Int32 = 0
}

/// Reassembles docker's multiplexed frames (8-byte header, then the payload) into one output, capped.
private struct FrameReader {
    private var pending: [UInt8] = []

    mutating func feed(_ buffer: ByteBuffer, into output: inout [UInt8]) {
        pending += buffer.readableBytesView
        while pending.count >= 8 {
            let size = Int(pending[4]) << 24 | Int(pending[5]) << 16 | Int(pending[6]) << 8 | Int(pending[7])
            guard pending.count >= 8 + size else { return }
            if output.count < ContainerStore.healthOutputLimit { output += pending[8..<(8 + size)] }
            pending.removeFirst(8 + size)
        }
    }
}
