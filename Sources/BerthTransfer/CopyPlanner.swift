/// Builds a `CopyPlan`: checks every source, applies scp's naming, walks trees.
public enum CopyPlanner {
    /// Plans copying `sources` to `destination`.
    ///
    /// Like scp: several sources need an existing directory; a single source goes inside an existing
    /// directory or becomes `destination` (whose parent must exist); directories need `recursive`.
    /// Top-level symbolic links are followed; links inside trees are copied as links. Files that are neither
    /// regular, directories nor links (sockets, fifos, devices) inside trees are skipped.
    public static func plan(sources: [Operand], destination: Operand, options: CopyOptions,
                            cancellation: Cancellation = Cancellation()) throws -> CopyPlan {
        guard !sources.isEmpty else { throw TransferError("", .other("scp: nothing to copy")) }
        var checked: [(Operand, FileInfo)] = []
        for source in sources {
            guard let info = try source.side.info(source.path, followLinks: true) else {
                throw TransferError(source.display, .notFound)
            }
            switch info.kind {
            case .regular: break
            case .directory:
                guard options.recursive else { throw TransferError(source.display, .isDirectory) }
            default: throw TransferError(source.display, .notRegularFile)
            }
            checked.append((source, info))
        }

        let dst = destination.side
        let destinationInfo = try dst.info(destination.path, followLinks: true)
        let intoDirectory = destinationInfo?.kind == .directory
        if !intoDirectory {
            if sources.count > 1 {
                throw TransferError(destination.display, destinationInfo == nil ? .notFound : .notDirectory)
            }
            if destinationInfo == nil {
                // A trailing slash names a directory that would have to exist.
                if destination.path.hasSuffix("/") { throw TransferError(destination.display, .notFound) }
                let parent = CopyNaming.parent(destination.path)
                guard let p = try dst.info(parent, followLinks: true) else {
                    throw TransferError(dst.display(parent), .notFound)
                }
                guard p.kind == .directory else { throw TransferError(dst.display(parent), .notDirectory) }
            } else if checked[0].1.kind == .directory {
                throw TransferError(destination.display, .notDirectory)
            }
        }

        var plan = CopyPlan(destination: dst, entries: [])
        for (source, info) in checked {
            let name = try sourceName(source)
            let target = CopyNaming.target(sourceName: name, destination: destination.path,
                                           destinationIsDirectory: intoDirectory)
            let existing = try dst.info(target, followLinks: false)
            if info.kind == .regular {
                if existing?.kind == .directory { throw TransferError(dst.display(target), .isDirectory) }
                plan.entries.append(.init(action: .copyFile, source: source, destination: target, info: info,
                                          existing: existing, preserve: options.recursive))
            } else {
                try walk(source, info: info, to: target, existing: existing, on: dst, into: &plan.entries,
                         cancellation: cancellation)
            }
        }
        return plan
    }

    /// The name a source's copy gets inside a directory: its last component, resolved for `.`, `..` and `/`.
    static func sourceName(_ source: Operand) throws -> String {
        if let name = CopyNaming.baseName(source.path) { return name }
        let resolved = try source.side.realPath(source.path)
        guard let name = CopyNaming.baseName(resolved) else {
            throw TransferError(source.display,
                                .other("cannot name a copy of the root directory; give a destination name"))
        }
        return name
    }

    private static func walk(_ source: Operand, info: FileInfo, to target: String, existing: FileInfo?,
                             on dst: FileSystemSide, into entries: inout [CopyPlan.Entry],
                             cancellation: Cancellation) throws {
        try cancellation.check(source.display)
        if let existing, existing.kind != .directory { throw TransferError(dst.display(target), .notDirectory) }
        entries.append(.init(action: .makeDirectory, source: source, destination: target, info: info,
                             existing: existing, preserve: true))
        let children = try source.side.list(source.path).sorted { $0.name < $1.name }
        var present: [String: FileInfo] = [:]
        if existing != nil {
            for e in try dst.list(target) { present[e.name] = e.info }
        }
        for child in children {
            let from = Operand(side: source.side, path: CopyNaming.join(source.path, child.name))
            let to = CopyNaming.join(target, child.name)
            let there = present[child.name]
            switch child.info.kind {
            case .directory:
                try walk(from, info: child.info, to: to, existing: there, on: dst, into: &entries,
                         cancellation: cancellation)
            case .regular:
                if there?.kind == .directory { throw TransferError(dst.display(to), .isDirectory) }
                entries.append(.init(action: .copyFile, source: from, destination: to, info: child.info,
                                     existing: there, preserve: true))
            case .symbolicLink:
                let linkTarget = try from.side.readLink(from.path)
                if there?.kind == .directory { throw TransferError(dst.display(to), .isDirectory) }
                entries.append(.init(action: .makeSymbolicLink(target: linkTarget), source: from, destination: to,
                                     info: child.info, existing: there, preserve: true))
            case .other:
                continue
            }
        }
        entries.append(.init(action: .finishDirectory, source: source, destination: target, info: info,
                             existing: existing, preserve: true))
    }
}
