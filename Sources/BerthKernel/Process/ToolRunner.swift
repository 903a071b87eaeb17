import CKernelShim
import Glibc

/// Runs a system tool (an absolute path) with a fixed environment, stdin from memory and stdout and stderr
/// captured together in a memfd; posix_spawn, so a large agent does not pay for a fork.
public enum ToolRunner {
    public static let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]

    /// A tool that ended with a non-zero status.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String {
            let last = output.split(separator: "\n").last.map(String.init) ?? ""
            return "\(command): exit \(status)" + (last.isEmpty ? "" : ": \(last)")
        }
    }

    /// Runs `argv` and returns its exit status (128+n when killed by signal n; -1: could not start) and output.
    public static func run(_ argv: [String], input: String? = nil) -> (status: Int32, output: String) {
        let out = berth_kernel_memfd("berth-out")
        guard out >= 0 else { return (-1, "memfd_create: \(String(cString: strerror(errno)))") }
        defer { close(out) }
        var inFD: Int32 = -1
        if let input {
            inFD = berth_kernel_memfd("berth-in")
            if inFD >= 0 {
                _ = FileSystem.writeAll(inFD, Array(input.utf8))
                lseek(inFD, 0, SEEK_SET)
            }
        }
        defer { if inFD >= 0 { close(inFD) } }
        let pid = withCStrings(argv) { args in
            withCStrings(environment) { env in berth_kernel_spawn(args, env, inFD, out) }
        }
        guard pid > 0 else { return (-1, "spawn \(argv[0]): \(String(cString: strerror(errno)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return (-1, "waitpid: \(String(cString: strerror(errno)))") }
        }
        lseek(out, 0, SEEK_SET)
        let output = String(decoding: FileSystem.readAll(out), as: UTF8.self)
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, output)
    }

    /// Runs and throws ``Failure`` on a non-zero exit; returns the output.
    @discardableResult
    public static func check(_ argv: [String], input: String? = nil) throws -> String {
        let (status, output) = run(argv, input: input)
        guard status == 0 else { throw Failure(command: argv.joined(separator: " "), status: status, output: output) }
        return output
    }

    static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var array: [UnsafePointer<CChar>?] = pointers.map { UnsafePointer($0) }
        array.append(nil)
        return array.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
