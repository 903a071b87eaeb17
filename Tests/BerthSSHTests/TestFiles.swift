import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary files and helper processes for tests.
enum TestFiles {
    static func makeTemporaryDirectory(_ prefix: String) throws -> String {
        var base = NSTemporaryDirectory()
        while base.hasSuffix("/") { base.removeLast() }
        var template = Array((base + "/\(prefix)-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { throw TestFailure("mkdtemp failed") }
        return String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static let cleanup = Cleanup()

    /// Removes `path` when the test process exits normally.
    static func removeAtExit(_ path: String) {
        cleanup.add(path)
    }

    /// Runs a tool to completion; returns its status and combined output. The output goes through a
    /// temporary file, so no descriptor of ours can leak into a process spawned concurrently.
    static func runTool(_ path: String, _ args: [String],
                        environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "/berth-tool-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        let process = try TestProcess.spawn(path, args, outputPath: outputPath, environment: environment)
        let status = process.wait()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (status, output)
    }

    /// `sha256sum` of a local file.
    static func sha256(ofFile path: String) throws -> String {
        let r = try runTool("/usr/bin/sha256sum", [path])
        guard r.status == 0, let hash = r.output.split(separator: " ").first else { throw TestFailure(r.output) }
        return String(hash)
    }

    /// Writes `size` random bytes to a new file.
    static func writeRandomFile(_ path: String, size: Int) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let out = FileHandle(forWritingAtPath: path), let random = FileHandle(forReadingAtPath: "/dev/urandom")
        else { throw TestFailure("cannot open \(path) or /dev/urandom") }
        defer {
            try? out.close()
            try? random.close()
        }
        var left = size
        while left > 0 {
            let chunk = random.readData(ofLength: min(left, 1 << 20))
            guard !chunk.isEmpty else { throw TestFailure("short read from /dev/urandom") }
            out.write(chunk)
            left -= chunk.count
        }
    }
}

private final class Cleanup: @unchecked Sendable {
    private var paths: [String] = []
    private let lock = NSLock()
    private var registered = false

    func add(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.append(path)
        if !registered {
            registered = true
            atexit { cleanupAtExit() }
        }
    }

    func removeAll() {
        lock.lock()
        let all = paths
        paths = []
        lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}

private func cleanupAtExit() {
    TestFiles.cleanupNow()
}

extension TestFiles {
    static func cleanupNow() { cleanup.removeAll() }
}
