import ArgumentParser
import BerthCore

/// `berth`: create and manage Docker hosts running the Berth agent.
public struct BerthCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "berth",
        abstract: "Create and manage Docker hosts that run the Berth agent.",
        version: "berth version \(BerthVersion.string)",
        subcommands: [
            Active.self, Config.self, Create.self, Env.self, Inspect.self, IP.self, Kill.self, Ls.self,
            RegenerateCerts.self, Restart.self, Rm.self, Scp.self, SSH.self, Start.self, Status.self,
            Stop.self, Upgrade.self, URLCommand.self, Version.self, VolumeCommand.self, EtcdCommand.self, FlannelCommand.self,
            Apply.self, Destroy.self, TopologyCommand.self,
        ])

    public init() {}
}
