import ArgumentParser
import BerthCore
import BerthMachine
import Foundation

/// `berth etcd ls`: each member, its health, the leader and its DB size, asked in parallel.
struct EtcdLs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the cluster store's members")
    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .long], help: "Timeout in seconds per member") var timeout: Double = 5

    func run() throws {
        try guarded {
            let listing = try global.clusterService().listing(timeout: timeout)
            FileHandle.standardOutput.write(Data(listing.render().utf8))
        }
    }
}
