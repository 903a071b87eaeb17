import ArgumentParser
import BerthCore
import BerthMachine

/// `berth config NAME`: the docker flags for the machine.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the connection config for machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name") var name: String?

    func run() throws {
        try guarded {
            let svc = try global.service()
            let record = try svc.load(name ?? ActiveMachine.require(svc))
            for line in DockerConfigFlags.lines(certDirectory: svc.store.layout.machineDir(record.name),
                                                dockerURL: record.url) { say(line) }
        }
    }
}
