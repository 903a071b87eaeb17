import ArgumentParser
import BerthMachine

/// `berth url NAME`: `tcp://IP:2376`.
struct URLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "url", abstract: "Get the URL of a machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name") var name: String?

    func run() throws {
        try guarded {
            let svc = try global.service()
            say(try svc.load(name ?? ActiveMachine.require(svc)).url)
        }
    }
}
