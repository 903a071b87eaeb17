import BerthSSH
import ArgumentParser
import BerthCore
import BerthMachine
import Foundation

/// `berth ls`: every machine, queried in parallel; a slow one shows as Timeout without slowing the rest.
struct Ls: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List machines")
    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("quiet")], help: "Enable quiet mode") var quiet = false
    @Option(name: .customLong("filter"), help: "Filter output based on conditions provided (driver, state, name, label=k=v)")
    var filter: [String] = []
    @Option(name: [.short, .customLong("timeout")], help: "Timeout in seconds, default to 10s") var timeout: Int = 10
    @Option(name: [.short, .customLong("format")], help: "Pretty-print machines using a Go template") var format: String?

    func run() throws {
        try guarded {
            let filters = try LsFilter(parsing: filter)
            let formatter = try LsFormatter(format: format, quiet: quiet)
            let svc = try global.service()
            let dockerHost = ProcessInfo.processInfo.environment["DOCKER_HOST"]
            let records = svc.store.records().filter {
                filters.matches(name: $0.name, driverName: $0.driverName, state: nil, labels: $0.engine.labels)
                    || filters.needsState
            }
            let limit = Double(max(timeout, 1))
            let entries: [MachineListEntry] = parallelMap(records) { r in
                let started = Date()
                let s = svc.status(r, timeout: limit)
                let took = Date().timeIntervalSince(started)
                if s.state == .timeout {
                    return .timedOut(name: r.name, driverName: r.driverName, timeout: limit, labels: r.engine.labels)
                }
                let state = s.state.rawValue
                return MachineListEntry(
                    name: r.name, activeMark: MachineListEntry.activeMark(state: state, url: r.url, dockerHost: dockerHost),
                    driverName: r.driverName, state: state, url: s.state == .running ? r.url : "",
                    dockerVersion: MachineListEntry.dockerVersionLabel(s.version), error: s.error ?? "",
                    responseTime: took, labels: r.engine.labels)
            }
            FileHandle.standardOutput.write(Data(try formatter.render(filters.apply(entries)).utf8))
        }
    }
}
