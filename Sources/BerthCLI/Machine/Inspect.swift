import ArgumentParser
import BerthCore
import BerthMachine
import Foundation

/// `berth inspect [-f TEMPLATE] NAME`: the machine's config.json, 4-space indented.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect information about a machine")
    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .customLong("format")], help: "Format the output using the given Go template")
    var format: String?
    @Argument(help: "Machine name") var name: String?

    func run() throws {
        try guarded {
            let svc = try global.service()
            let record = try svc.load(name ?? ActiveMachine.require(svc))
            let data = try record.encoded()
            if let format {
                let t = try GoTemplate(format)
                say(try t.execute(GoTemplate.Value(json: data)))
            } else {
                say(JSONIndent.reindent(String(decoding: data, as: UTF8.self), spaces: 4))
            }
        }
    }
}

/// Foundation pretty-prints with 2 spaces; docker-machine's inspect uses 4.
enum JSONIndent {
    static func reindent(_ text: String, spaces: Int) -> String {
        text.split(separator: "\n" as Character, omittingEmptySubsequences: false).map { (line: Substring) -> String in
            let lead = line.prefix { $0 == " " }.count
            return String(repeating: " ", count: lead / 2 * spaces) + line.dropFirst(lead)
        }.joined(separator: "\n")
    }
}
