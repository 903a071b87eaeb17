import CRuntimeShim
import Glibc

/// The one place the agent programs the kernel's network stack: network namespaces through the C shim, links,
/// addresses and routes through `ip -batch`, firewall rules through `iptables`. Only absolute tool paths, a fixed
/// environment, output captured in a memfd. No Foundation.
public enum NetKernel {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String {
            let last = output.split(separator: "\n").last.map(String.init) ?? ""
            return "\(command): exit \(status)" + (last.isEmpty ? "" : ": \(last)")
        }
    }

    public static var ipTool = "/usr/sbin/ip"
    public static var iptablesTool = "/usr/sbin/iptables"

    /// Runs `argv` with `input` on stdin, optionally inside the namespace bind-mounted at `netns`.
    public static func run(_ argv: [String], input: String? = nil, netns: String? = nil) -> (status: Int32, output: String) {
        let out = berth_memfd("berth-out")
        guard out >= 0 else { return (-1, "memfd_create failed") }
        defer { close(out) }
        var inFD: Int32 = -1
        if let input {
            inFD = berth_memfd("berth-in")
            if inFD >= 0 {
                FD.writeAll(inFD, Array(input.utf8))
                lseek(inFD, 0, SEEK_SET)
            }
        }
        defer { if inFD >= 0 { close(inFD) } }
        let args = CStringArray(argv)
        defer { args.free() }
        let status: Int32
        if let netns {
            status = netns.withCString { berth_run_in_netns($0, args.pointer, inFD, out) }
        } else {
            status = berth_run_in_netns(nil, args.pointer, inFD, out)
        }
        lseek(out, 0, SEEK_SET)
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(out, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return (status, String(decoding: data, as: UTF8.self))
    }

    /// Runs and throws ``Failure`` on a non-zero exit.
    @discardableResult
    public static func check(_ argv: [String], input: String? = nil, netns: String? = nil) throws -> String {
        let (status, output) = run(argv, input: input, netns: netns)
        guard status == 0 else {
            throw Failure(command: argv.joined(separator: " "), status: status, output: output)
        }
        return output
    }

    /// `ip -batch -` with one command a line (`-force` goes on after a failing line; the first error is reported).
    public static func ip(_ lines: [String], netns: String? = nil, force: Bool = false) throws {
        guard !lines.isEmpty else { return }
        var argv = [ipTool]
        if force { argv.append("-force") }
        argv += ["-batch", "-"]
        try check(argv, input: lines.joined(separator: "\n") + "\n", netns: netns)
    }

    /// `iptables -w ARGS`.
    @discardableResult
    public static func iptables(_ args: [String]) throws -> String {
        try check([iptablesTool, "-w"] + args)
    }

    /// Appends an `iptables` rule (`-t T -A ...`) unless it is there already (`-C`).
    public static func ensureRule(_ rule: [String]) throws {
        let check = rule.map { $0 == "-A" ? "-C" : $0 }
        if run([iptablesTool, "-w"] + check).status == 0 { return }
        try iptables(rule)
    }

    // MARK: namespaces

    /// A new network namespace (loopback up) bind-mounted at `path`, linked as `/run/netns/<link>` for `ip netns`.
    public static func createNamespace(at path: String, link: String?) throws {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        makeDirectories(dir)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw RuntimeError.errno("create \(path)") }
        close(fd)
        var err = [CChar](repeating: 0, count: 512)
        let rc = err.withUnsafeMutableBufferPointer { berth_netns_create(path, $0.baseAddress, Int32($0.count)) }
        guard rc == 0 else {
            unlink(path)
            throw RuntimeError.protocolError(String(cString: err))
        }
        if let link {
            makeDirectories("/run/netns")
            let linkPath = "/run/netns/" + link
            unlink(linkPath)
            symlink(path, linkPath)
        }
    }

    /// Unmounts and removes a namespace made by ``createNamespace(at:link:)``; quiet when it is gone already.
    public static func removeNamespace(at path: String, link: String?) {
        if let link { unlink("/run/netns/" + link) }
        _ = umount2(path, Int32(MNT_DETACH))
        unlink(path)
    }

    /// Whether `path` holds a network namespace (an nsfs mount), not just the empty file under it.
    public static func isNamespace(_ path: String) -> Bool {
        berth_is_nsfs(path) == 1
    }

    /// Writes a sysctl under /proc/sys (in the caller's network namespace); false when it could not.
    @discardableResult
    public static func sysctl(_ key: String, _ value: String) -> Bool {
        let path = "/proc/sys/" + key.split(separator: ".").joined(separator: "/")
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return FD.writeAll(fd, Array((value + "\n").utf8))
    }

    static func makeDirectories(_ path: String) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            mkdir(current, 0o755)
        }
    }
}
