import BerthSSH
import ArgumentParser
import BerthCore
import BerthMachine

/// `berth ip NAME...`: the machines' IP addresses, looked up in parallel.
struct IP: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Get the IP address of a machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name(s)") var names: [String] = []

    func run() throws {
        try guarded {
            let svc = try global.service()
            let targets = try names.isEmpty ? [ActiveMachine.require(svc)] : names
            let results = parallelMap(targets) { n in Result { try svc.load(n).ssh.ipAddress } }
            for r in results { say(try r.get()) }
        }
    }
}
