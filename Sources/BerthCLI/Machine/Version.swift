import ArgumentParser
import BerthCore
import BerthMachine

/// `berth version [NAME]`: this berth's version, or the agent version of a machine.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the berth version or a machine's agent version")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name") var name: String?

    func run() throws {
        try guarded {
            guard let name else { say("berth version \(BerthVersion.string)"); return }
            let svc = try global.service()
            let s = svc.status(try svc.load(name))
            guard let v = s.version else { throw BerthError.failed("\(name): agent not reachable (\(s.state.rawValue))") }
            say(v)
        }
    }
}
