import ArgumentParser
import BerthCluster
import BerthCore
import BerthLinux
import Foundation

/// `berth topology [-f cluster.yml] [--dot] [--svg FILE] [--png FILE]`: what runs where, drawn.
struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Draw the machines, networks and containers that run: a tree, or DOT, SVG or PNG")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Only the machines of this cluster file") var file: String?
    @Flag(help: "Print Graphviz DOT instead of the tree") var dot = false
    @Option(help: "Also write an SVG drawing to this file") var svg: String?
    @Option(help: "Also write a PNG through Graphviz's dot (needs graphviz installed)") var png: String?

    func run() throws {
        try guarded {
            let svc = try global.service()
            var title = "berth (" + svc.store.layout.root + ")"
            var observed = ClusterObserver(global: global, svc: svc).observe()
            if let file {
                let spec = try LoadedClusterFile(path: file).spec
                let names = Set(spec.machines.map(\.name))
                observed.machines = observed.machines.filter { names.contains($0.name) }
                title = spec.name
            }
            if let svg {
                try FileOps.writeAtomically(Data(Topology.svg(observed, title: title).utf8), to: svg, mode: 0o644)
            }
            if let png {
                guard let dotTool = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: FileManager.default.isExecutableFile) else {
                    throw BerthError.unsupported("--png renders through Graphviz's dot, which is not installed (apt-get install graphviz), or use --svg")
                }
                try render(dot: Topology.dot(observed, title: title), with: dotTool, to: png)
            }
            if dot {
                FileHandle.standardOutput.write(Data(Topology.dot(observed, title: title).utf8))
            } else {
                let color = isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                FileHandle.standardOutput.write(Data(Topology.tree(observed, title: title, color: color).utf8))
            }
            if let svg { say("wrote \(svg)") }
            if let png { say("wrote \(png)") }
        }
    }

    /// `dot -Tpng` into a temporary name beside `path`, renamed into place when dot succeeds.
    private func render(dot text: String, with tool: String, to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["-Tpng", "-o", tmp]
        let input = Pipe()
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: tmp)
            throw BerthError.failed("dot -Tpng failed (exit \(p.terminationStatus))")
        }
        guard rename(tmp, path) == 0 else { throw BerthError.failed("\(path): cannot write") }
    }
}
