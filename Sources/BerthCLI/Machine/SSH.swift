import ArgumentParser
import BerthCore
import BerthMachine
import BerthSSH
import Foundation

/// `berth ssh NAME [COMMAND...]`: an interactive shell or a command, over Berth's own SSH layer.
/// Arguments after `--` that start with `-` go to the system OpenSSH client instead (port forwards and the like),
/// with the machine's key and pinned host key.
struct SSH: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Log into or run a command on a machine with SSH.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machine name") var name: String
    @Argument(parsing: .captureForPassthrough, help: "Command to run (or, starting with '-', extra ssh arguments)")
    var command: [String] = []

    func run() throws {
        var status: Int32 = 0
        try guarded {
            let svc = try global.service()
            let record = try svc.load(name)
            var args = command
            if args.first == "--" { args.removeFirst() }
            if let first = args.first, first.hasPrefix("-") {
                status = try openSSH(svc.endpoint(record), args)
                return
            }
            guard svc.status(record, timeout: 5).state != .stopped || (try? svc.driver(record).state()) == .running else {
                throw BerthError.failed("Error: Cannot run SSH command: Host \"\(name)\" is not running")
            }
            let shell = try svc.connect(record)
            defer { shell.close() }
            guard let session = shell as? SSHSession else { throw BerthError.unsupported("interactive SSH unavailable") }
            status = try session.interactive(command: args.isEmpty ? nil : args.joined(separator: " "))
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func openSSH(_ ep: SSHEndpoint, _ extra: [String]) throws -> Int32 {
        var argv = ["ssh", "-p", "\(ep.port)", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=quiet"]
        if let k = ep.keyPath { argv += ["-i", k] }
        if let kh = ep.knownHostsPath { argv += ["-o", "UserKnownHostsFile=\(kh)", "-o", "StrictHostKeyChecking=accept-new"] }
        // OpenSSH reads options after the destination too, and what is left is the remote command.
        argv.append("\(ep.user)@\(ep.host)")
        argv += extra
        let p = Process()
        p.executableURL = Foundation.URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}
