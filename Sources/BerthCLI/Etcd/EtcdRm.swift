import ArgumentParser
import BerthCore
import BerthMachine

/// `berth etcd rm`: stops the members, removes their data and files, and the configuration from every agent.
struct EtcdRm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove the cluster store")
    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Forget the cluster even when a member cannot be reached") var force = false

    func run() throws {
        try guarded { try global.clusterService().remove(force: force, say: { say($0) }) }
    }
}
