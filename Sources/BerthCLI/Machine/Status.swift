import ArgumentParser
import BerthMachine

/// `berth status NAME`: Running, Stopped, Error, Timeout...
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Get the status of a machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name") var name: String?

    func run() throws {
        try guarded {
            let svc = try global.service()
            let r = try svc.load(name ?? ActiveMachine.require(svc))
            say(svc.status(r).state.rawValue)
        }
    }
}
