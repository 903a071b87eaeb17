#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime
import Glibc

/// pause/unpause (cgroup freezer), rename, top and stats.
extension ContainerStore {
    func cgroups(_ id: String) -> Cgroups { Cgroups(id: id) }

    /// `docker pause` / `unpause`.
    func setPaused(_ reference: String, _ paused: Bool) async throws {
        var record = try find(reference)
        guard record.state.Running else { throw ContainerError.notRunning(id: record.id) }
        if paused, record.state.Paused { throw APIError.conflict("container \(record.id) is already paused") }
        if !paused, !record.state.Paused { throw APIError.conflict("container \(record.id) is not paused") }
        let groups = cgroups(record.id)
        try await Blocking.run { try groups.freeze(paused) }
        record = try find(record.id)
        record.state.Paused = paused
        record.state.Status = paused ? "paused" : "running"
        save(record)
        emit(paused ? "pause" : "unpause", record)
    }

    /// `docker rename`.
    func rename(_ reference: String, to requested: String) throws {
        var record = try find(reference)
        let name = requested.hasPrefix("/") ? String(requested.dropFirst()) : requested
        guard !name.isEmpty else { throw APIError.invalidArgument("Neither old nor new names may be empty") }
        guard EngineNaming.isValidName(name) else { throw ContainerError.invalidName(name) }
        if let other = records.values.first(where: { $0.name == name && $0.id != record.id }) {
            throw ContainerError.nameInUse(name: name, id: other.id)
        }
        let old = record.name
        record.name = name
        save(record)
        emit("rename", record, ["oldName": "/" + old])
    }

    /// `docker top`: the container's processes, in `ps -ef` columns (C, STIME and TIME from `/proc` as procps
    /// computes them).
    func top(_ reference: String) throws -> ContainerTopResponse {
        let record = try find(reference)
        guard record.state.Running else { throw ContainerError.notRunning(id: record.id) }
        let hz = Double(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        let boot = Self.readText("/proc/stat").flatMap(ProcStat.bootTime) ?? 0
        var now = time(nil)
        let today = Self.localTime(&now)
        let rows: [[String]] = cgroups(record.id).pids.sorted().compactMap { pid in
            guard let stat = Self.readText("/proc/\(pid)/stat"), !ProcStat.fields(stat).isEmpty else { return nil }
            var uid = "0"
            if let status = Self.readText("/proc/\(pid)/status"),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }) {
                uid = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.map(String.init) ?? "0"
            }
            let cmdline = Self.readText("/proc/\(pid)/cmdline")?.split(separator: "\0").joined(separator: " ") ?? ""
            let cpuSeconds = Double(ProcStat.ownTicks(stat)) / hz
            var started = time_t(boot) + time_t(Double(ProcStat.startTicks(stat) ?? 0) / hz)
            let age = Double(now - started)
            return [uid, String(pid), ProcStat.parentPID(stat), ProcStat.cpuColumn(cpuSeconds: cpuSeconds, age: age),
                    ProcStat.startColumn(start: Self.localTime(&started), now: today), "?",
                    ProcStat.cpuTimeColumn(seconds: UInt64(cpuSeconds)), cmdline]
        }
        return ContainerTopResponse(Titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], Processes: rows)
    }

    /// `t` in the host's local time zone, as `ps` shows times.
    static func localTime(_ t: inout time_t) -> ProcStat.LocalTime {
        var parts = tm()
        localtime_r(&t, &parts)
        return ProcStat.LocalTime(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                                  dayOfYear: Int(parts.tm_yday), hour: Int(parts.tm_hour), minute: Int(parts.tm_min))
    }

    /// One `docker stats` frame: memory and pids from the cgroups, CPU from the processes' times (utime, stime and
    /// those of reaped children, from `/proc/PID/stat`) and the machine's from `/proc/stat`, as dockerd fills
    /// `system_cpu_usage` and `online_cpus`. `previous`, the frame before, becomes `precpu_stats` and `preread`
    /// (without one they are zero, as in dockerd's one-shot answer), from which the CLI computes the CPU %.
    func stats(_ reference: String, previous: ContainerStats? = nil) throws -> ContainerStats {
        let record = try find(reference)
        let groups = cgroups(record.id)
        let running = record.state.Running
        let usage = running ? groups.usage : (0, 0, 0)
        let modes: (user: UInt64, system: UInt64) = running ? groups.pids.reduce((user: UInt64(0), system: UInt64(0))) { sum, pid in
            let ticks: (user: UInt64, system: UInt64) = Self.readText("/proc/\(pid)/stat").map(ProcStat.modeTicks) ?? (0, 0)
            return (sum.user + ticks.user, sum.system + ticks.system)
        } : (0, 0)
        let hz = UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        let tick = 1_000_000_000 / hz
        let cpus = Int(max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1))
        let system = (Self.readText("/proc/stat").flatMap(ProcStat.systemTicks) ?? 0) * tick
        let cpu = ContainerStats.CPU(cpu_usage: .init(total_usage: (modes.user + modes.system) * tick,
                                                      usage_in_kernelmode: modes.system * tick,
                                                      usage_in_usermode: modes.user * tick),
                                     system_cpu_usage: system, online_cpus: cpus)
        let physical = Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE)))
        let limit = usage.1 > 0 && usage.1 < physical ? usage.1 : physical
        return ContainerStats(read: Timestamp.now(), preread: previous?.read ?? ContainerStats.zeroTime, id: record.id,
                              name: "/" + record.name, cpu_stats: cpu, precpu_stats: previous?.cpu_stats ?? .zero,
                              memory_stats: .init(usage: usage.0, limit: limit),
                              pids_stats: .init(current: usage.2),
                              networks: running && record.state.Pid > 0
                                  ? Self.readText("/proc/\(record.state.Pid)/net/dev").flatMap(InterfaceCounters.parse) : nil)
    }

    static func readText(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Running, paused and stopped counts for `docker info`.
    public var stateCounts: (running: Int, paused: Int, stopped: Int) {
        loadIfNeeded()
        let paused = records.values.filter(\.state.Paused).count
        let running = records.values.filter(\.state.Running).count - paused
        return (running, paused, records.count - running - paused)
    }
}

/// `GET /containers/{id}/top`.
struct ContainerTopResponse: Codable, Sendable {
    var Titles: [String]
    var Processes: [[String]]
}

/// The part of `GET /containers/{id}/stats` the CLI shows.
struct ContainerStats: Codable, Sendable {
    struct CPU: Codable, Sendable {
        struct Usage: Codable, Sendable {
            var total_usage: UInt64
            var usage_in_kernelmode: UInt64 = 0
            var usage_in_usermode: UInt64 = 0
        }
        struct Throttling: Codable, Sendable {
            var periods = 0
            var throttled_periods = 0
            var throttled_time = 0
        }
        var cpu_usage: Usage
        var system_cpu_usage: UInt64
        var online_cpus: Int
        var throttling_data = Throttling()
        static let zero = CPU(cpu_usage: .init(total_usage: 0), system_cpu_usage: 0, online_cpus: 0)
    }
    /// dockerd's block I/O counters: every list `null` where the cgroup has none to give.
    struct BlockIO: Codable, Sendable {
        var io_service_bytes_recursive: [EmptyObject]? = nil
        var io_serviced_recursive: [EmptyObject]? = nil
        var io_queue_recursive: [EmptyObject]? = nil
        var io_service_time_recursive: [EmptyObject]? = nil
        var io_wait_time_recursive: [EmptyObject]? = nil
        var io_merged_recursive: [EmptyObject]? = nil
        var io_time_recursive: [EmptyObject]? = nil
        var sectors_recursive: [EmptyObject]? = nil

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            for key in [CodingKeys.io_service_bytes_recursive, .io_serviced_recursive, .io_queue_recursive,
                        .io_service_time_recursive, .io_wait_time_recursive, .io_merged_recursive, .io_time_recursive,
                        .sectors_recursive] {
                try c.encodeNil(forKey: key)
            }
        }
    }
    struct Memory: Codable, Sendable {
        var usage: Int64
        var limit: Int64
    }
    struct Pids: Codable, Sendable { var current: Int64 }
    var read: String
    var preread: String
    var id: String
    var name: String
    var cpu_stats: CPU
    var precpu_stats: CPU
    var memory_stats: Memory
    var pids_stats: Pids
    var blkio_stats = BlockIO()
    var num_procs = 0
    var storage_stats = EmptyObject()
    /// Per interface of the container's namespace, loopback left out; absent without a network (as dockerd).
    var networks: [String: InterfaceCounters]?
    /// Go's zero time, dockerd's `preread` when there is no previous sample.
    static let zeroTime = "0001-01-01T00:00:00Z"
}
