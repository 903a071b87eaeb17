import ArgumentParser
import BerthAgent
import Glibc

/// `berthd`: the Berth agent, a Docker Engine API server over mutual TLS and a local unix socket.
struct Berthd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berthd",
        abstract: "The Berth agent: serves the Docker Engine API over mutual TLS and a local unix socket.",
        version: "berthd version \(AgentBuild.version)")

    @Option(help: "JSON configuration file; flags override its values.") var config: String?
    @Option(help: "Address of the TLS listener (default 0.0.0.0).") var host: String?
    @Option(help: "Port of the TLS listener (default 2376).") var port: Int?
    @Option(name: .customLong("tlscacert"), help: "CA that client certificates must chain to.") var tlsCACert: String?
    @Option(name: .customLong("tlscert"), help: "Server certificate (PEM).") var tlsCert: String?
    @Option(name: .customLong("tlskey"), help: "Server private key (PEM).") var tlsKey: String?
    @Option(name: .customLong("unix-socket"), help: "Local socket path; empty disables it.") var unixSocket: String?
    @Option(name: .customLong("data-root"), help: "Persistent state directory.") var dataRoot: String?
    @Option(name: .customLong("exec-root"), help: "Runtime state directory.") var execRoot: String?
    @Option(name: .customLong("label"), help: "key=value label for /info (repeatable).") var labels: [String] = []
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.") var logLevel: String?

    func run() async throws {
        let overrides = AgentConfiguration.Overrides(
            host: host, port: port, tlsCACert: tlsCACert, tlsCert: tlsCert, tlsKey: tlsKey, unixSocket: unixSocket,
            dataRoot: dataRoot, execRoot: execRoot, labels: labels, logLevel: logLevel)
        do {
            let configuration = try AgentConfiguration.resolve(file: config, overrides: overrides)
            let logger = AgentLogging.bootstrap(level: configuration.loggerLevel)
            try await AgentServer(configuration: configuration, logger: logger).run()
        } catch {
            fputs("berthd: \(error)\n", stderr)
            throw ExitCode.failure
        }
    }
}

/// Runs the command; inside an async function `main()` resolves to the async entry point (at top level it
/// would pick the synchronous one, which refuses async commands).
func runBerthd() async {
    await Berthd.main()
}

// `berthd shim <dir>` (a container's supervisor) runs before anything async starts threads; it never returns.
ShimCommand.runIfRequested(CommandLine.arguments)
await runBerthd()
