import BerthCore
@testable import BerthMachine
import Foundation
import GenericDriver
import Testing

/// A host its driver takes down and brings back, as the lab driver does; `events` says what happened, in order.
final class FakeHostLog: @unchecked Sendable {
    var events: [String] = []
    var running = true
}

final class FakeHostDriver: MachineDriver {
    let log: FakeHostLog
    init(log: FakeHostLog) { self.log = log }
    var driverName: String { "fakehost" }
    func preCreateCheck() throws {}
    func create() throws {}
    func remove() throws {}
    func start() throws { log.events.append("host start"); log.running = true }
    func stop() throws { log.events.append("host stop"); log.running = false }
    func kill() throws { log.events.append("host kill"); log.running = false }
    func state() -> MachineState { log.running ? .running : .stopped }
    var ssh: SSHSettings { SSHSettings(ipAddress: "127.0.2.30") }
    func encodeState() throws -> JSONValue { .object([:]) }
}

struct FakeHostFactory: DriverFactory {
    let log: FakeHostLog
    var driverName: String { "fakehost" }
    func make(context: DriverContext, options: DriverOptions) throws -> MachineDriver { FakeHostDriver(log: log) }
    func load(context: DriverContext, state: JSONValue) throws -> MachineDriver { FakeHostDriver(log: log) }
}

@Suite("restart with fake SSH")
struct RestartTests {
    /// The agent-control commands the host saw, in order.
    func controls(_ shell: FakeShell) -> [String] {
        shell.commands.compactMap { $0.split(separator: " ").last.map(String.init) }
            .filter { ["start", "stop", "restart"].contains($0) }
    }

    @Test func aHostItsDriverCanStopGoesDownAndComesBack() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let log = FakeHostLog()
        let shell = FakeShell.debian()
        let svc = try box.service(shell: { shell }, drivers: DriverRegistry([FakeHostFactory(log: log)]))
        _ = try svc.create(CreateRequest(name: "h1", driverName: "fakehost", options: DriverOptions(),
                                         engine: EngineOptions()), say: { _ in })
        let before = controls(shell).count
        try svc.restart("h1", say: { _ in })
        #expect(log.events == ["host stop", "host start"])
        #expect(Array(controls(shell).dropFirst(before)) == ["stop", "start"])
    }

    @Test func aGenericHostStaysUpAndItsAgentRestarts() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let shell = FakeShell.debian()
        let svc = try box.service(shell: { shell }, drivers: DriverRegistry([GenericDriverFactory(reach: { _, _ in })]))
        _ = try svc.create(CreateRequest(name: "g1", driverName: "generic",
                                         options: DriverOptions(["generic-ip-address": "127.0.2.31"]),
                                         engine: EngineOptions()), say: { _ in })
        let before = controls(shell).count
        try svc.restart("g1", say: { _ in })
        #expect(Array(controls(shell).dropFirst(before)) == ["stop", "start"])
    }
}
