/// A build context (the tar the client sends), held in memory, with `.dockerignore` applied.
public struct BuildContext: Sendable {
    public struct File: Sendable {
        public var entry: TarEntry
        public var data: [UInt8]
    }

    /// Members by cleaned path (`htdocs/index.html`); the root is implicit.
    public private(set) var files: [String: File] = [:]

    public init(files: [String: File]) { self.files = files }

    /// Reads the context tar; members excluded by `.dockerignore` are dropped (never the Dockerfile itself).
    public init(tar: [UInt8], dockerfile: String = "Dockerfile") throws {
        var reader = TarReader(TarBytes(tar))
        var all: [String: File] = [:]
        while let entry = try reader.next() {
            guard entry.path != "." else { continue }
            guard !entry.path.split(separator: "/").contains("..") else { throw TarError.unsafePath(entry.path) }
            var data: [UInt8] = []
            if entry.type == .file { data = try reader.readContents() }
            all[entry.path] = File(entry: entry, data: data)
        }
        // resolve hard links into copies
        for (path, file) in all where file.entry.type == .hardlink {
            if let target = all[file.entry.linkName], target.entry.type == .file {
                var entry = target.entry
                entry.path = path
                all[path] = File(entry: entry, data: target.data)
            }
        }
        if let ignoreFile = all[".dockerignore"] {
            let ignore = DockerIgnore(String(decoding: ignoreFile.data, as: UTF8.self))
            let keep = Set([TarEntry.clean(dockerfile), ".dockerignore"])
            for path in all.keys where !keep.contains(path) && ignore.excludes(path) { all.removeValue(forKey: path) }
        }
        files = all
    }

    /// Once the Dockerfile has been read, `.dockerignore` and the Dockerfile leave the context when `.dockerignore`
    /// excludes them (dockerd's legacy builder does so; docker-py names an outside Dockerfile `.dockerfile.<hex>`
    /// and lists it there).
    public mutating func dropIgnoredControlFiles(dockerfile: String) {
        guard let ignoreFile = files[".dockerignore"] else { return }
        let ignore = DockerIgnore(String(decoding: ignoreFile.data, as: UTF8.self))
        for path in [".dockerignore", TarEntry.clean(dockerfile)] where ignore.excludes(path) {
            files.removeValue(forKey: path)
        }
    }

    public func isDirectory(_ path: String) -> Bool {
        let p = TarEntry.clean(path)
        if p == "." { return true }
        if files[p]?.entry.type == .directory { return true }
        return files.keys.contains { $0.hasPrefix(p + "/") }
    }

    public func exists(_ path: String) -> Bool {
        let p = TarEntry.clean(path)
        return p == "." || files[p] != nil || isDirectory(p)
    }

    /// The context paths a source names, wildcards expanded (sorted).
    public func sources(_ pattern: String, instruction: String) throws -> [String] {
        let p = TarEntry.clean(pattern)
        guard !p.split(separator: "/").contains("..") else {
            throw DockerfileError("\(instruction) failed: forbidden path outside the build context: \(pattern)")
        }
        if !Glob.hasMeta(p) {
            guard exists(p) else {
                throw DockerfileError("\(instruction) failed: file not found in build context or excluded by "
                    + ".dockerignore: stat \(p): file does not exist")
            }
            return [p]
        }
        let segments = p.split(separator: "/").map(String.init)
        var candidates = Set(files.keys)
        for path in files.keys {  // implicit directories
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty { candidates.insert(parts.joined(separator: "/")); parts = parts.dropLast() }
        }
        let matched = candidates.filter { path in
            let parts = path.split(separator: "/").map(String.init)
            return parts.count == segments.count && zip(segments, parts).allSatisfy { Glob.match($0, $1) }
        }.sorted()
        guard !matched.isEmpty else { throw DockerfileError("\(instruction) failed: no source files were specified") }
        return matched
    }

    /// Everything under directory `path`, sorted, with paths relative to it.
    public func contents(of path: String) -> [(String, File)] {
        let p = TarEntry.clean(path)
        let prefix = p == "." ? "" : p + "/"
        var out: [String: File] = [:]
        for (key, file) in files where key.hasPrefix(prefix) && key != p {
            out[String(key.dropFirst(prefix.count))] = file
        }
        // implicit directories (members without their own directory entry)
        for key in Array(out.keys) {
            var parts = key.split(separator: "/").dropLast()
            while !parts.isEmpty {
                let dir = parts.joined(separator: "/")
                if out[dir] == nil { out[dir] = File(entry: TarEntry(path: dir, type: .directory, mode: 0o755), data: []) }
                parts = parts.dropLast()
            }
        }
        return out.sorted { TarPath.less($0.key, $1.key) }.map { ($0.key, $0.value) }
    }
}

public enum TarPath {
    /// Orders paths so that a directory comes before what is in it.
    public static func less(_ a: String, _ b: String) -> Bool {
        a.split(separator: "/").lexicographicallyPrecedes(b.split(separator: "/"))
    }

    /// Joins an absolute container path (`/usr/local`) and a relative one; cleans the result (`usr/local/x`).
    public static func join(_ base: String, _ rest: String) -> String {
        TarEntry.clean(rest.hasPrefix("/") ? rest : base + "/" + rest)
    }

    public static func parent(_ path: String) -> String {
        let parts = TarEntry.clean(path).split(separator: "/")
        return parts.count <= 1 ? "." : parts.dropLast().joined(separator: "/")
    }

    public static func base(_ path: String) -> String {
        TarEntry.clean(path).split(separator: "/").last.map(String.init) ?? "."
    }
}

/// What ADD and COPY put in their layer: the entries of a layer tar, parents first.
public enum CopyPlan {
    public struct Options: Sendable {
        /// The absolute destination as written (a trailing `/` means a directory).
        public var destination: String
        public var workdir: String
        /// `--chown` resolved to numbers; nil keeps 0:0.
        public var owner: (uid: Int, gid: Int)?
        /// `--chmod`: the mode of what is copied (not of the directories created on the way).
        public var mode: UInt32?
        /// ADD: local tar archives are unpacked into the destination.
        public var extractArchives: Bool
        /// The time for directories created on the way.
        public var now: Int

        public init(destination: String, workdir: String, owner: (uid: Int, gid: Int)? = nil, mode: UInt32? = nil,
                    extractArchives: Bool = false, now: Int = 0) {
            self.mode = mode
            self.destination = destination
            self.workdir = workdir
            self.owner = owner
            self.extractArchives = extractArchives
            self.now = now
        }
    }

    /// - Parameters:
    ///   - existing: the metadata of a path in the image below (`usr/local`), nil when absent; decides whether the
    ///     destination is a directory and keeps the attributes of parent directories.
    public static func entries(context: BuildContext, sources: [String], options: Options,
                               existing: (String) -> TarEntry?) throws -> [(TarEntry, [UInt8])] {
        let dest = TarPath.join(options.workdir.isEmpty ? "/" : options.workdir, options.destination)
        let destIsDir = options.destination.hasSuffix("/") || options.destination.hasSuffix("/.")
            || sources.count > 1 || existing(dest)?.type == .directory
        var out: [String: (TarEntry, [UInt8])] = [:]
        func put(_ path: String, _ entry: TarEntry, _ data: [UInt8]) {
            var entry = entry
            entry.path = path
            if let owner = options.owner { entry.uid = owner.uid; entry.gid = owner.gid } else { entry.uid = 0; entry.gid = 0 }
            if let mode = options.mode, entry.type != .symlink { entry.mode = mode }
            out[path] = (entry, data)
        }
        for source in sources {
            if context.isDirectory(source) {
                if dest != ".", let dir = context.files[source]?.entry { put(dest, dir, []) }
                for (rel, file) in context.contents(of: source) {
                    put(TarPath.join("/" + dest, rel), file.entry, file.data)
                }
            } else if let file = context.files[source] {
                if options.extractArchives, file.entry.type == .file, let members = archiveMembers(file.data) {
                    for (entry, data) in members {
                        var e = entry
                        e.path = TarPath.join("/" + dest, entry.path)
                        if e.type == .hardlink { e.linkName = TarPath.join("/" + dest, entry.linkName) }
                        out[e.path] = (e, data)  // an archive keeps its owners
                    }
                    continue
                }
                let target = destIsDir ? TarPath.join("/" + dest, TarPath.base(source)) : dest
                put(target, file.entry, file.data)
            }
        }
        // parent directories
        for path in Array(out.keys) {
            var parent = TarPath.parent(path)
            while parent != ".", out[parent] == nil {
                var entry = existing(parent) ?? TarEntry(path: parent, type: .directory, mode: 0o755, mtime: options.now)
                entry.path = parent
                entry.size = 0
                out[parent] = (entry, [])
                parent = TarPath.parent(parent)
            }
        }
        return out.values.sorted { TarPath.less($0.0.path, $1.0.path) }
    }

    /// The members of `data` when it is an (uncompressed) tar archive, else nil.
    public static func archiveMembers(_ data: [UInt8]) -> [(TarEntry, [UInt8])]? {
        guard data.count >= 512, Array(data[257..<262]) == Array("ustar".utf8) || Array(data[257..<263]) == Array("ustar ".utf8) else {
            return nil
        }
        var reader = TarReader(TarBytes(data))
        var out: [(TarEntry, [UInt8])] = []
        do {
            while let entry = try reader.next() {
                guard entry.path != ".", !entry.path.split(separator: "/").contains("..") else { continue }
                out.append((entry, entry.type == .file ? try reader.readContents() : []))
            }
        } catch {
            return nil
        }
        return out
    }
}
