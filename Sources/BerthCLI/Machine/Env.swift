import ArgumentParser
import BerthCore
import BerthMachine
import Foundation

/// `berth env [NAME]`: shell lines that point the docker CLI at a machine's agent.
struct Env: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Display the commands to set up the environment for the Docker client")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("shell"), help: "Force environment to be configured for a specified shell: [fish, cmd, powershell, tcsh, emacs, bash, sh, zsh], default is auto-detect")
    var shell: String?
    @Flag(name: [.short, .customLong("unset")], help: "Unset variables instead of setting them") var unset = false
    @Flag(name: .customLong("no-proxy"), help: "Add machine IP to NO_PROXY environment variable") var noProxy = false
    @Argument(help: "Machine name") var name: String?

    func run() throws {
        try guarded {
            let environment = ProcessInfo.processInfo.environment
            let sh = try shell.map(Shell.init(parsing:)) ?? Shell.detect(shellVariable: environment["SHELL"])
            let renderer = ShellEnv(shell: sh, commandLine: CommandLine.arguments)
            if unset {
                if name != nil { throw BerthError.invalidArgument("Error: Expected no machine name when the -u flag is present") }
                var names = ShellEnv.dockerVariableNames
                if noProxy { names.append(ShellEnv.noProxyVariableName(environment: environment)) }
                FileHandle.standardOutput.write(Data(renderer.render(unsetting: names).utf8))
                return
            }
            let svc = try global.service()
            let record = try svc.load(name ?? ActiveMachine.require(svc))
            let s = svc.status(record, timeout: 10)
            guard s.state == .running else {
                throw BerthError.failed("Error checking TLS connection: Host \"\(record.name)\" is not running (\(s.error ?? s.state.rawValue))")
            }
            var vars = ShellEnv.dockerVariables(dockerHost: record.url, certPath: svc.store.layout.machineDir(record.name),
                                                machineName: record.name)
            if noProxy { vars.append(ShellEnv.noProxyVariable(adding: record.ssh.ipAddress, environment: environment)) }
            FileHandle.standardOutput.write(Data(renderer.render(setting: vars).utf8))
        }
    }
}
