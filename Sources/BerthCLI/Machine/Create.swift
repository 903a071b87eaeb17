import BerthSSH
import ArgumentParser
import BerthCore
import BerthMachine
import Foundation

/// `berth create [-d DRIVER] [flags] NAME...`: several names are created in parallel.
struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a machine")

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .customLong("driver")], help: "Driver to create machine with (generic, lab)")
    var driver = "generic"

    @Option(name: .customLong("engine-port"), help: "Port the agent listens on")
    var enginePort: Int?
    @Option(name: .customLong("engine-label"), help: "Label for the agent (repeatable)")
    var engineLabel: [String] = []
    @Option(name: .customLong("engine-opt"), help: "Agent option flag=value (repeatable)")
    var engineOpt: [String] = []
    @Option(name: .customLong("engine-env"), help: "Environment variable for the agent (repeatable)")
    var engineEnv: [String] = []
    @Option(name: .customLong("engine-insecure-registry"),
            help: "Registry (HOST[:PORT] or CIDR) the agent may reach over plain HTTP or without checking its certificate (repeatable)")
    var engineInsecureRegistry: [String] = []
    @Option(name: .customLong("engine-registry-mirror"), help: "Docker Hub mirror, http(s)://HOST[:PORT] (repeatable)")
    var engineRegistryMirror: [String] = []

    @Option(name: .customLong("generic-ip-address"), help: "IP address of the host (generic)")
    var genericIP: String?
    @Option(name: .customLong("generic-ssh-user"), help: "SSH user (generic, default root)")
    var genericUser: String?
    @Option(name: .customLong("generic-ssh-key"), help: "SSH private key path (generic; default: ~/.ssh keys, then ssh-agent)")
    var genericKey: String?
    @Option(name: .customLong("generic-ssh-port"), help: "SSH port (generic, default 22)")
    var genericPort: String?
    @Option(name: .customLong("generic-engine-port"), help: "Agent port (generic, default 2376)")
    var genericEnginePort: Int?

    @Option(name: .customLong("lab-network"), help: "Lab switch name (lab, default berthlab)")
    var labNetwork: String?
    @Option(name: .customLong("lab-subnet"), help: "Lab subnet (lab, default 10.213.47.0/24)")
    var labSubnet: String?

    @Argument(help: "Machine name(s)")
    var names: [String] = []

    /// Input checks, reported as one line (ArgumentParser's validate() would add the usage text).
    private func check() throws {
        guard !names.isEmpty else { throw BerthError.invalidArgument("Error: No machine name specified") }
        for n in names { try MachineName.validate(n) }
        if Set(names).count != names.count { throw BerthError.invalidArgument("a machine name is given twice") }
        try EngineOptions.validateRegistries(insecure: engineInsecureRegistry, mirrors: engineRegistryMirror)
        for l in engineLabel where !l.contains("=") {
            throw BerthError.invalidArgument("--engine-label \"\(l)\": expected key=value")
        }
    }

    func run() throws {
        try guarded {
            try check()
            let svc = try global.service()
            var opts: [String: String] = [:]
            opts["generic-ip-address"] = genericIP
            opts["generic-ssh-user"] = genericUser
            opts["generic-ssh-key"] = genericKey
            opts["generic-ssh-port"] = genericPort
            opts["lab-network"] = labNetwork
            opts["lab-subnet"] = labSubnet
            let engine = EngineOptions(port: genericEnginePort ?? enginePort ?? 2376, labels: engineLabel,
                                       options: engineOpt, env: engineEnv,
                                       insecureRegistry: engineInsecureRegistry, registryMirror: engineRegistryMirror)
            let single = names.count == 1
            let bar = single ? ProgressBar(label: "berthd") : nil
            let results = parallelMap(names) { name -> Error? in
                let req = CreateRequest(name: name, driverName: driver, options: DriverOptions(opts), engine: engine)
                do {
                    _ = try svc.create(req, say: { say(single ? $0 : "(\(name)) \($0)") },
                                       progress: bar.map { b in { b.update(sent: $0, total: $1) } })
                    bar?.finish()
                    return nil
                } catch {
                    bar?.finish()
                    return error
                }
            }
            let failures = zip(names, results).compactMap { n, e in e.map { (n, $0) } }
            for (n, e) in failures where !single { printError("Error creating machine \"\(n)\": \(e)") }
            if let (_, e) = failures.first {
                if single { throw e }
                throw ExitCode((e as? BerthError)?.exitCode ?? 1)
            }
            let hint = names.map { "berth env \($0)" }.joined(separator: "; ")
            say("To see how to connect your Docker Client to the Docker Engine running on this virtual machine, run: \(hint)")
        }
    }
}
