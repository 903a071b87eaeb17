import ArgumentParser
import BerthCore
import BerthMachine

/// `berth etcd create MACHINE...`: an etcd member on each machine (an odd number), then every agent points at it.
struct EtcdCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Run an etcd member on each machine (1, 3 or any odd number)",
        discussion: """
        Members talk TLS with certificates from the cluster store's own CA (client certificates required), keep \
        their data in /var/lib/berth/etcd and listen on the machine's address (clients 2379, peers 2380). Every \
        machine's agent, and every machine created later, gets cluster-store and cluster-advertise in berthd.json.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name(s)") var names: [String] = []

    func run() throws {
        try guarded {
            for n in names { try MachineName.validate(n) }
            _ = try global.clusterService().create(names, say: { say($0) })
            say("To use etcdctl, run: eval $(berth etcd env)")
        }
    }
}
