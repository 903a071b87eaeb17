import BerthSSH
import ArgumentParser
import BerthMachine

/// Runs one lifecycle action on each named machine (the active one when none is named), in parallel.
private func each(_ global: GlobalOptions, _ names: [String],
                  _ action: @escaping (MachineService, String) throws -> Void) throws {
    try guarded {
        let svc = try global.service()
        let targets = try names.isEmpty ? [ActiveMachine.require(svc)] : names
        let results = parallelMap(targets) { n in Result { try action(svc, n) } }
        var failed = false
        for case .failure(let e) in results { printError("\(e)"); failed = true }
        if failed { throw ExitCode(1) }
    }
}

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start a machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name(s)") var names: [String] = []
    func run() throws { try each(global, names) { try $0.start($1, say: say) } }
}

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop a machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name(s)") var names: [String] = []
    func run() throws { try each(global, names) { try $0.stop($1, say: say) } }
}

struct Restart: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restart a machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name(s)") var names: [String] = []
    func run() throws { try each(global, names) { try $0.restart($1, say: say) } }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Kill a machine")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name(s)") var names: [String] = []
    func run() throws { try each(global, names) { try $0.kill($1, say: say) } }
}

struct Upgrade: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Upgrade a machine's agent to this berth's build")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name(s)") var names: [String] = []
    func run() throws { try each(global, names) { try $0.upgrade($1, say: say) } }
}

struct RegenerateCerts: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "regenerate-certs", abstract: "Regenerate TLS Certificates for a machine")
    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("force")], help: "Forces certificate regeneration w/o prompting") var force = false
    @Flag(name: .customLong("client-certs"), help: "Also regenerate client certificates and CA.") var clientCerts = false
    @Argument(help: "Machine name(s)") var names: [String] = []

    func run() throws {
        if !force {
            print("Regenerate TLS machine certs?  Warning: this is irreversible. (y/n): ", terminator: "")
            let a = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard a == "y" || a == "yes" else { throw ExitCode(1) }
        }
        // The CA is renewed once, before the machines re-issue their server certificates.
        let renewCA = clientCerts
        if renewCA { try guarded { try global.service().certificates.ensureStoreCertificates(renew: true) } }
        try each(global, names) { try $0.regenerateCertificates($1, clientCerts: false, say: say) }
    }
}
