@testable import BerthTransfer
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ChecksumFollowerTests {
    @Test func hashesAFileWhileItGrows() throws {
        let t = try TestTree()
        let path = t.path("growing")
        let chunks = (0..<20).map { i in Data(repeating: UInt8(i), count: 100_000) }
        let whole = chunks.reduce(Data(), +)
        FileManager.default.createFile(atPath: path, contents: nil)
        let follower = ChecksumFollower(side: LocalSide(), path: path, size: UInt64(whole.count))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        for c in chunks {
            try handle.write(contentsOf: c)
            usleep(2_000)
        }
        try handle.close()
        #expect(follower.wait() == SHA256Digest.hex(of: whole))
    }

    @Test func stopsWhenTheFileGoes() throws {
        let t = try TestTree()
        let path = try t.file("short", "abc")
        let follower = ChecksumFollower(side: LocalSide(), path: path, size: 1000)
        usleep(20_000)
        unlink(path)
        #expect(follower.wait() == nil)
    }

    @Test func bigFilesAreCheckedWhileWritten() throws {
        let t = try TestTree()
        try t.data("big", Data(repeating: 7, count: 3 << 20))
        let dst = FaultySide()
        let copier = Copier(options: CopyOptions())
        copier.followMinimumSize = 1 << 20
        try copier.copy([Operand(side: LocalSide(), path: t.path("big"))], to: Operand(side: dst, path: t.path("copy")))
        #expect(dst.checksumBatches == 0)
        #expect(FileManager.default.contents(atPath: t.path("copy")) == Data(repeating: 7, count: 3 << 20))
    }

    @Test func aFollowedMismatchReplacesNothing() throws {
        let t = try TestTree()
        try t.data("big", Data(repeating: 7, count: 3 << 20))
        try t.file("copy", "old")
        let dst = FaultySide()
        dst.corruptChecksums = true
        let copier = Copier(options: CopyOptions())
        copier.followMinimumSize = 1 << 20
        #expect(throws: TransferError.self) {
            try copier.copy([Operand(side: LocalSide(), path: t.path("big"))], to: Operand(side: dst, path: t.path("copy")))
        }
        #expect(t.read("copy") == "old")
        #expect(t.names("") == ["big", "copy"])
    }
}
