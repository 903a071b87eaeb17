import BerthSSH
import ArgumentParser
import BerthMachine
import Foundation

/// `berth rm [-f] [-y] NAME...`
struct Rm: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a machine")
    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("force")], help: "Remove local configuration even if machine cannot be removed, also implies an automatic yes (`-y`)")
    var force = false
    @Flag(name: .short, help: "Assumes automatic yes to proceed with remove, without prompting further user confirmation")
    var yes = false
    @Argument(help: "Machine name(s)") var names: [String] = []

    func validate() throws {
        if names.isEmpty { throw ValidationError("Error: Expected to get one or more machine names as arguments") }
    }

    func run() throws {
        try guarded {
            let svc = try global.service()
            // Unknown names are reported; the others are still removed.
            var failed = false
            let known = names.filter { n in
                if svc.store.exists(n) { return true }
                printError("Error removing host \"\(n)\": Host does not exist: \"\(n)\"")
                failed = true
                return false
            }
            if known.isEmpty { throw ExitCode(1) }
            if !(force || yes) {
                say("About to remove \(known.joined(separator: ", "))")
                say("WARNING: This action will delete both local reference and remote instance.")
                FileHandle.standardOutput.write(Data("Are you sure? (y/n): ".utf8))
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                guard answer == "y" || answer == "yes" else { throw ExitCode(1) }
            }
            let results = parallelMap(known) { n in Result { try svc.remove(n, force: force, say: say) } }
            for case .failure(let e) in results { printError("\(e)"); failed = true }
            if failed { throw ExitCode(1) }
        }
    }
}
