#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// A container's cgroups: `berth/<id>` under each cgroup v1 controller berthd uses (memory, pids, freezer), or
/// under the unified hierarchy on a pure cgroup v2 host. Processes join them in the C shim before they exec.
public struct Cgroups: Sendable {
    public static let controllers = ["memory", "pids", "freezer"]
    public let id: String
    public let root: String

    public init(id: String, root: String = "/sys/fs/cgroup") {
        self.id = id
        self.root = root
    }

    /// True when the host has only the unified (v2) hierarchy.
    public var unified: Bool { access(root + "/cgroup.controllers", F_OK) == 0 }

    /// The container's directory per controller ("" for v2), for controllers that are mounted.
    public var directories: [(controller: String, path: String)] {
        if unified { return [("", root + "/berth/" + id)] }
        return Self.controllers.filter { access(root + "/\($0)/cgroup.procs", F_OK) == 0 }
            .map { ($0, root + "/\($0)/berth/" + id) }
    }

    /// Makes the directories and writes the limits; returns the `cgroup.procs` files to join.
    public func create(memory: Int64?, pids: Int64?) throws -> [String] {
        if unified {
            // Controllers must be enabled in every parent's subtree_control.
            Self.write(root + "/cgroup.subtree_control", "+memory +pids")
            try Self.mkdir(root + "/berth")
            Self.write(root + "/berth/cgroup.subtree_control", "+memory +pids")
        }
        var procs: [String] = []
        for (controller, path) in directories {
            if !unified { try Self.mkdir(String(path[..<path.lastIndex(of: "/")!])) }  // <controller>/berth
            try Self.mkdir(path)
            procs.append(path + "/cgroup.procs")
            if let memory, memory > 0 {
                if controller == "memory" {
                    try Self.require(path + "/memory.limit_in_bytes", String(memory))
                    Self.write(path + "/memory.memsw.limit_in_bytes", String(memory))  // no swap beyond it, as docker
                } else if controller == "" {
                    try Self.require(path + "/memory.max", String(memory))
                    Self.write(path + "/memory.swap.max", "0")
                }
            }
            if let pids, pids > 0, controller == "pids" || controller == "" {
                try Self.require(path + "/pids.max", String(pids))
            }
        }
        return procs
    }

    /// Changes the limits of a container whose cgroups exist (`docker update`); nil or 0 leaves a limit as it is.
    public func update(memory: Int64?, pids: Int64?) throws {
        for (controller, path) in directories where access(path, F_OK) == 0 {
            if let memory, memory > 0 {
                if controller == "memory" {
                    // memsw must stay >= memory: raise it first when growing, lower it after when shrinking.
                    Self.write(path + "/memory.memsw.limit_in_bytes", String(memory))
                    try Self.require(path + "/memory.limit_in_bytes", String(memory))
                    Self.write(path + "/memory.memsw.limit_in_bytes", String(memory))
                } else if controller == "" {
                    try Self.require(path + "/memory.max", String(memory))
                }
            }
            if let pids, pids != 0, controller == "pids" || controller == "" {
                try Self.require(path + "/pids.max", pids < 0 ? "max" : String(pids))
            }
        }
    }

    /// Whether the kernel OOM-killed a process of the container.
    public var oomKilled: Bool {
        for (controller, path) in directories {
            let file = controller == "memory" ? path + "/memory.oom_control" : controller == "" ? path + "/memory.events" : nil
            guard let file, let text = Self.read(file) else { continue }
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2, parts[0] == "oom_kill", let n = Int(parts[1]), n > 0 { return true }
            }
        }
        return false
    }

    /// Freezes (`docker pause`) or thaws the container's processes; waits until the kernel says so.
    public func freeze(_ frozen: Bool) throws {
        let file: String, value: String, done: String
        if unified {
            file = root + "/berth/\(id)/cgroup.freeze"; value = frozen ? "1" : "0"; done = value
        } else {
            file = root + "/freezer/berth/\(id)/freezer.state"; value = frozen ? "FROZEN" : "THAWED"; done = value
        }
        try Self.require(file, value)
        for _ in 0..<200 {
            let state = unified ? Self.read(root + "/berth/\(id)/cgroup.events")?.contains("frozen \(done)") ?? false
                                : Self.read(file)?.hasPrefix(done) ?? false
            if state { return }
            usleep(5000)
        }
        throw RuntimeError.protocolError("the container did not become \(frozen ? "frozen" : "thawed")")
    }

    /// The processes in the container (from the pids or memory cgroup).
    public var pids: [Int32] {
        for (_, path) in directories {
            if let text = Self.read(path + "/cgroup.procs") {
                return text.split(separator: "\n").compactMap { Int32($0) }
            }
        }
        return []
    }

    /// Current memory use and limit, and the number of processes.
    public var usage: (memory: Int64, limit: Int64, pids: Int64) {
        var memory: Int64 = 0, limit: Int64 = 0, count: Int64 = 0
        for (controller, path) in directories {
            switch controller {
            case "memory":
                memory = Self.number(path + "/memory.usage_in_bytes")
                limit = Self.number(path + "/memory.limit_in_bytes")
            case "pids":
                count = Self.number(path + "/pids.current")
            case "":
                memory = Self.number(path + "/memory.current")
                limit = Self.number(path + "/memory.max")
                count = Self.number(path + "/pids.current")
            default: break
            }
        }
        return (memory, limit, count)
    }

    /// Removes the directories (once their processes are gone; retries briefly while the kernel catches up).
    public func remove() {
        for (_, path) in directories where access(path, F_OK) == 0 {
            for _ in 0..<100 {
                if rmdir(path) == 0 || errno == ENOENT { break }
                usleep(10_000)
            }
        }
    }

    // MARK: files

    static func mkdir(_ path: String) throws {
        if Glibc.mkdir(path, 0o755) != 0, errno != EEXIST { throw RuntimeError.errno("mkdir \(path)") }
    }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func number(_ path: String) -> Int64 {
        guard let text = read(path) else { return 0 }
        let trimmed = text.split(separator: "\n").first.map(String.init) ?? ""
        return Int64(trimmed) ?? (trimmed == "max" ? Int64.max : 0)
    }

    @discardableResult
    static func write(_ path: String, _ value: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        return Glibc.write(fd, bytes, bytes.count) == bytes.count
    }

    static func require(_ path: String, _ value: String) throws {
        guard write(path, value) else { throw RuntimeError.errno("write \(value) to \(path)") }
    }
}
