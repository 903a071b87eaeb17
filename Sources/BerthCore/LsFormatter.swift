#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Renders `ls` output as docker-machine does: the default table, `-q` names, or a `--format` template
/// (`table` prefix: a header row, then everything aligned by a `TabWriter`).
public struct LsFormatter: Sendable {
    /// docker-machine's default format.
    public static let defaultFormat = "table {{ .Name }}\t{{ .Active }}\t{{ .DriverName}}\t{{ .State }}\t{{ .URL }}"
        + "\t{{ .Swarm }}\t{{ .DockerVersion }}\t{{ .Error}}"

    /// The header row's data: each field name mapped to its column title. A `table` template is executed
    /// against this map to make the header, so `{{.Name}}` heads its column with NAME.
    public static let headers: [String: String] = [
        "Name": "NAME", "Active": "ACTIVE", "ActiveHost": "ACTIVE_HOST", "ActiveSwarm": "ACTIVE_SWARM",
        "DriverName": "DRIVER", "State": "STATE", "URL": "URL", "SwarmOptions": "SWARM_OPTIONS", "Swarm": "SWARM",
        "EngineOptions": "ENGINE_OPTIONS", "Error": "ERRORS", "DockerVersion": "DOCKER", "ResponseTime": "RESPONSE",
        "Labels": "LABELS",
    ]

    /// `-q`: names only, one a line.
    public let quiet: Bool
    /// Whether output has a header row and aligned columns.
    public let isTable: Bool
    private let template: GoTemplate?

    /// Prepares the output. With `quiet`, `format` is ignored (not even parsed), as in docker-machine.
    /// Otherwise an empty or nil `format` means the default table; a leading `table` asks for headers and
    /// alignment; surrounding spaces are trimmed; the two-character sequences `\t` and `\n` become a tab and
    /// a newline; each row ends with a newline. Throws `GoTemplate.Error` when the template does not parse.
    public init(format: String? = nil, quiet: Bool = false) throws {
        self.quiet = quiet
        guard !quiet else {
            isTable = false
            template = nil
            return
        }
        var text = (format ?? "").isEmpty ? LsFormatter.defaultFormat : (format ?? "")
        var table = false
        if text.hasPrefix("table") {
            table = true
            text = String(text.dropFirst("table".count))
        }
        while text.hasPrefix(" ") { text.removeFirst() }
        while text.hasSuffix(" ") { text.removeLast() }
        text = text.replacingEvery("\\t", with: "\t").replacingEvery("\\n", with: "\n")
        isTable = table
        template = try GoTemplate(text + "\n")
    }

    /// `entries` in `ls` order: natural order of the lower-cased names.
    public static func sorted(_ entries: [MachineListEntry]) -> [MachineListEntry] {
        entries.sorted { NaturalSort.lessIgnoringCase($0.name, $1.name) }
    }

    /// The whole output for `entries` (sorted here). Throws `GoTemplate.Error` when a row fails to execute.
    public func render(_ entries: [MachineListEntry]) throws -> String {
        let rows = LsFormatter.sorted(entries)
        guard let template, !quiet else {
            return rows.map { $0.name + "\n" }.joined()
        }
        var text = ""
        if isTable {
            text += try template.execute(.object(LsFormatter.headers.mapValues { .string($0) }))
        }
        for row in rows {
            text += try template.execute(row.templateValue)
        }
        return isTable ? TabWriter().format(text) : text
    }
}
