@testable import BerthTransfer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory for one test, removed when released.
final class TestTree {
    let root: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/berth-transfer-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { throw TransferError("mkdtemp", .other("failed")) }
        root = String(cString: p)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ relative: String) -> String { root + "/" + relative }

    @discardableResult
    func file(_ relative: String, _ contents: String, mode: Int32 = 0o644, mtime: Int64? = nil) throws -> String {
        try data(relative, Data(contents.utf8), mode: mode, mtime: mtime)
    }

    @discardableResult
    func data(_ relative: String, _ contents: Data, mode: Int32 = 0o644, mtime: Int64? = nil) throws -> String {
        let p = path(relative)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try contents.write(to: URL(fileURLWithPath: p))
        chmod(p, mode_t(mode))
        if let mtime { try LocalSide().setAttributes(p, mode: nil, modificationTime: mtime, accessTime: mtime) }
        return p
    }

    @discardableResult
    func dir(_ relative: String, mode: Int32 = 0o755) throws -> String {
        let p = path(relative)
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        chmod(p, mode_t(mode))
        return p
    }

    func link(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    func names(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path(relative))) ?? []).sorted()
    }

    func info(_ relative: String) throws -> FileInfo? {
        try LocalSide().info(path(relative), followLinks: false)
    }
}
