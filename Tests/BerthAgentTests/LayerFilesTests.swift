@testable import BerthAgent
import BerthImageFormat
import Foundation
import Glibc
import Testing

/// Layer tars packed from and unpacked into real directories (no root needed; whiteouts only as root).
@Suite struct LayerFilesTests {
    func tempDir(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "berth-layer-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func pack(_ dir: String, whiteouts: Bool = false) throws -> [UInt8] {
        var out: [UInt8] = []
        try LayerPacker.pack(dir, as: ".", overlayWhiteouts: whiteouts) { out += $0 }
        return out
    }

    @Test func packUnpackRoundTripIsStable() throws {
        let src = try tempDir("src")
        let dst = try tempDir("dst")
        defer { for d in [src, dst] { try? FileManager.default.removeItem(atPath: d) } }
        try FileManager.default.createDirectory(atPath: src + "/a/b", withIntermediateDirectories: true)
        try "hello".write(toFile: src + "/a/b/file", atomically: false, encoding: .utf8)
        _ = chmod(src + "/a/b/file", 0o640)
        _ = symlink("b/file", src + "/a/link")
        _ = link(src + "/a/b/file", src + "/a/hard")
        let first = try pack(src)
        #expect(try pack(src) == first)  // deterministic
        var reader = TarReader(TarBytes(first))
        try LayerUnpacker.unpack(&reader, into: dst, whiteouts: .none, keepOwners: false)
        #expect(try String(contentsOfFile: dst + "/a/b/file", encoding: .utf8) == "hello")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dst + "/a/link") == "b/file")
        var st = stat()
        #expect(stat(dst + "/a/hard", &st) == 0 && st.st_nlink == 2)
        #expect(stat(dst + "/a/b/file", &st) == 0 && st.st_mode & 0o777 == 0o640)
        #expect(try pack(dst) == first)  // same bytes after a round trip: same digest
    }

    @Test func archivesCannotEscape() throws {
        let dst = try tempDir("esc")
        defer { try? FileManager.default.removeItem(atPath: dst) }
        let evil = TarWriter.archive([(TarEntry(path: "x", type: .symlink, linkName: "/tmp"), []),
                                      (TarEntry(path: "x/owned", type: .file), [1])])
        var reader = TarReader(TarBytes(evil))
        #expect(throws: LayerError.self) { try LayerUnpacker.unpack(&reader, into: dst, whiteouts: .none) }
        let dotdot = TarWriter.archive([(TarEntry(path: "../owned", type: .file), [1])])
        var reader2 = TarReader(TarBytes(dotdot))
        #expect(throws: LayerError.self) { try LayerUnpacker.unpack(&reader2, into: dst, whiteouts: .none) }
    }

    @Test(.enabled(if: geteuid() == 0)) func whiteoutsBecomeOverlayAndBack() throws {
        let dst = try tempDir("wh")
        defer { try? FileManager.default.removeItem(atPath: dst) }
        let layer = TarWriter.archive([
            (TarEntry(path: "etc", type: .directory, mode: 0o755), []),
            (TarEntry(path: "etc/.wh.group", type: .file, mode: 0), []),
            (TarEntry(path: "var", type: .directory, mode: 0o755), []),
            (TarEntry(path: "var/.wh..wh..opq", type: .file, mode: 0), []),
        ])
        var reader = TarReader(TarBytes(layer))
        try LayerUnpacker.unpack(&reader, into: dst, whiteouts: .overlay)
        var st = stat()
        #expect(lstat(dst + "/etc/group", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0)
        #expect(LayerPacker.isOpaque(dst + "/var"))
        let paths = try { () throws -> [String] in
            var r = TarReader(TarBytes(try pack(dst, whiteouts: true)))
            var out: [String] = []
            while let e = try r.next() { out.append(e.path) }
            return out
        }()
        #expect(paths == ["etc", "etc/.wh.group", "var", "var/.wh..wh..opq"])
    }
}
