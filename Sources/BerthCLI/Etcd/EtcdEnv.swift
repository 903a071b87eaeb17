import ArgumentParser
import BerthCore
import BerthMachine
import Foundation

/// `berth etcd env`: shell lines that point Debian's etcdctl at the cluster store (same shells as `berth env`).
struct EtcdEnv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Display the commands to set up the environment for etcdctl")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("shell"), help: "Force environment to be configured for a specified shell: [fish, cmd, powershell, tcsh, emacs, bash, sh, zsh], default is auto-detect")
    var shell: String?
    @Flag(name: [.short, .customLong("unset")], help: "Unset variables instead of setting them") var unset = false

    func run() throws {
        try guarded {
            let environment = ProcessInfo.processInfo.environment
            let sh = try shell.map(Shell.init(parsing:)) ?? Shell.detect(shellVariable: environment["SHELL"])
            let renderer = ShellEnv(shell: sh, commandLine: CommandLine.arguments)
            if unset {
                FileHandle.standardOutput.write(Data(renderer.render(unsetting: ShellEnv.etcdVariableNames).utf8))
                return
            }
            let svc = try global.service()
            guard let cluster = try svc.store.loadCluster() else {
                throw BerthError.notFound("no cluster store in \(svc.store.layout.root) (berth etcd create MACHINE...)")
            }
            let l = svc.store.layout
            let vars = ShellEnv.etcdVariables(endpoints: cluster.clientURLs, caCert: l.etcdCACert, cert: l.etcdClientCert,
                                              key: l.etcdClientKey)
            FileHandle.standardOutput.write(Data(renderer.render(setting: vars).utf8))
        }
    }
}
