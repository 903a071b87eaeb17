import ArgumentParser
import BerthCore
import BerthMachine
import Foundation

/// The active machine: Running, and its URL equals `$DOCKER_HOST`.
enum ActiveMachine {
    static func find(_ svc: MachineService, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let host = environment["DOCKER_HOST"], !host.isEmpty else { return nil }
        let candidates = svc.store.records().filter { $0.url == host }
        return candidates.first { svc.status($0, timeout: 5).state == .running }?.name
    }

    static func require(_ svc: MachineService) throws -> String {
        guard let n = find(svc) else { throw BerthError.notFound("No active host found") }
        return n
    }
}

/// `berth active`: prints the active machine's name.
struct Active: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print which machine is active")
    @OptionGroup var global: GlobalOptions
    func run() throws {
        try guarded { say(try ActiveMachine.require(try global.service())) }
    }
}
