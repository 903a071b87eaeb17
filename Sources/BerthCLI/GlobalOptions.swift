import ArgumentParser
import BerthCore
import BerthMachine
import BerthSSH
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.short, .customLong("storage-path")],
            help: "Configures storage path (default: $BERTH_STORAGE_PATH or ~/.berth)")
    var storagePath: String?

    @Flag(name: [.customShort("D"), .customLong("debug")], help: "Enable debug mode")
    var debug = false

    /// The machine service for this invocation, with the real SSH transport and agent probe.
    func service() throws -> MachineService {
        let root = storagePath.map { ($0 as NSString).expandingTildeInPath } ?? MachineStore.defaultRoot()
        let store = try MachineStore(root: root)
        return MachineService(store: store, drivers: Drivers.registry, connector: SSHConnector(),
                              probe: CurlAgentProbe(), templates: try Templates.locate(),
                              agentBinary: AgentBinary.locate())
    }
}

/// Where the agent binary to install is: `$BERTH_AGENT`, else `berthd` beside `berth`.
enum AgentBinary {
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let p = environment["BERTH_AGENT"], !p.isEmpty { return p }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let beside = exe.deletingLastPathComponent().appendingPathComponent("berthd").path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : nil
    }
}
