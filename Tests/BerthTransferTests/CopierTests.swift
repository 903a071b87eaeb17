@testable import BerthTransfer
import Foundation
import Testing

@Suite struct CopierTests {
    func temporaries(_ t: TestTree, _ dir: String) -> [String] {
        t.names(dir).filter { TemporaryName.isTemporary($0) }
    }

    @Test func copiesATreeKeepingModesTimesAndLinks() throws {
        let t = try TestTree()
        try t.file("src/a", "alpha", mode: 0o640, mtime: 1_500_000_000)
        try t.file("src/sp ace é", "", mode: 0o600, mtime: 1_400_000_000)
        try t.file("src/sub/deep", "deep", mode: 0o755, mtime: 1_300_000_000)
        try t.link("src/l", to: "a")
        try t.link("src/dangling", to: "nowhere")
        try t.dir("src/sub", mode: 0o750)
        try LocalSide().setAttributes(t.path("src/sub"), mode: nil, modificationTime: 1_200_000_000, accessTime: nil)
        let local = LocalSide()
        var events: [CopyEvent] = []
        let copier = Copier(options: CopyOptions(recursive: true))
        copier.onEvent = { events.append($0) }
        let summary = try copier.copy([Operand(side: local, path: t.path("src"))], to: Operand(side: local, path: t.path("dst")))
        #expect(summary.filesSent == 3)
        #expect(summary.links == 2)
        #expect(summary.directories == 2)
        #expect(t.read("dst/a") == "alpha")
        #expect(t.read("dst/sp ace é") == "")
        #expect(t.read("dst/sub/deep") == "deep")
        #expect(try t.info("dst/a")?.mode == 0o640)
        #expect(try t.info("dst/a")?.modificationTime == 1_500_000_000)
        #expect(try t.info("dst/sp ace é")?.mode == 0o600)
        #expect(try t.info("dst/sub")?.mode == 0o750)
        #expect(try t.info("dst/sub")?.modificationTime == 1_200_000_000)
        #expect(try t.info("dst/sub/deep")?.mode == 0o755)
        #expect(try local.readLink(t.path("dst/l")) == "a")
        #expect(try local.readLink(t.path("dst/dangling")) == "nowhere")
        #expect(temporaries(t, "dst").isEmpty && temporaries(t, "dst/sub").isEmpty)
        #expect(events.contains(.linked(destination: t.path("dst/l"), target: "a")))
    }

    @Test(arguments: [false, true])
    func aFailedWriteLeavesTheDestinationAsItWas(threaded: Bool) throws {
        let t = try TestTree()
        let big = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try t.data("src/big", big)
        try t.file("dst/big", "old contents")
        let dst = FaultySide()
        dst.failAfterBytes = 1 << 20
        let src = FaultySide()
        src.pretendsRemote = threaded
        let copier = Copier(options: CopyOptions())
        copier.blockSize = 64 << 10
        #expect(throws: TransferError(t.path("dst/big"), .other("injected write failure"))) {
            try copier.copy([Operand(side: src, path: t.path("src/big"))], to: Operand(side: dst, path: t.path("dst/big")))
        }
        #expect(t.read("dst/big") == "old contents")
        #expect(t.names("dst") == ["big"])
        #expect(copier.temporaries.count == 0)
    }

    @Test func aChecksumMismatchReplacesNothing() throws {
        let t = try TestTree()
        try t.file("src/f", "new")
        let dst = FaultySide()
        dst.corruptChecksums = true
        let copier = Copier(options: CopyOptions())
        do {
            try copier.copy([Operand(side: LocalSide(), path: t.path("src/f"))], to: Operand(side: dst, path: t.path("dst")))
            Issue.record("copy succeeded")
        } catch let e as TransferError {
            guard case .checksumMismatch = e.cause else { Issue.record("wrong cause: \(e)"); return }
            #expect(e.location == t.path("dst"))
        }
        #expect(!FileManager.default.fileExists(atPath: t.path("dst")))
        #expect(t.names("").filter { TemporaryName.isTemporary($0) }.isEmpty)
    }

    @Test(arguments: [false, true])
    func aCancelledCopyStopsAndCleansUp(threaded: Bool) throws {
        let t = try TestTree()
        try t.data("src/big", Data(count: 8 << 20))
        let dst = FaultySide()
        let src = FaultySide()
        src.pretendsRemote = threaded
        let copier = Copier(options: CopyOptions())
        copier.blockSize = 256 << 10
        dst.onWrite = { n in if n > 1 << 20 { copier.cancellation.cancel(signal: 15) } }
        do {
            try copier.copy([Operand(side: src, path: t.path("src/big"))], to: Operand(side: dst, path: t.path("out")))
            Issue.record("copy succeeded")
        } catch let e as TransferError {
            #expect(e.isInterrupted)
        }
        #expect(copier.cancellation.signal == 15)
        #expect(!FileManager.default.fileExists(atPath: t.path("out")))
        #expect(t.names("").filter { TemporaryName.isTemporary($0) }.isEmpty)
    }

    @Test func largeFilesCrossThePipeIntact() throws {
        let t = try TestTree()
        var rng = SystemRandomNumberGenerator()
        let data = Data((0..<(5 << 20) + 12_345).map { _ in UInt8.random(in: 0...255, using: &rng) })
        try t.data("src", data)
        let copier = Copier(options: CopyOptions())
        copier.blocks = 3
        copier.blockSize = 100_000
        var last: (Int64, Int64) = (0, 0)
        copier.onProgress = { last = ($0, $1) }
        let remote = FaultySide()
        remote.pretendsRemote = true
        try copier.copy([Operand(side: remote, path: t.path("src"))], to: Operand(side: LocalSide(), path: t.path("dst")))
        #expect(FileManager.default.contents(atPath: t.path("dst")) == data)
        #expect(last == (Int64(data.count), Int64(data.count)))
    }

    @Test func deltaSendsOnlyWhatChanged() throws {
        let t = try TestTree()
        try t.file("src/same", "same", mtime: 1_000)
        try t.file("src/changed", "new!", mtime: 2_000)
        try t.file("dst/src/same", "same", mtime: 1_000)
        try t.file("dst/src/changed", "old!", mtime: 2_000)
        var events: [CopyEvent] = []
        let copier = Copier(options: CopyOptions(recursive: true, delta: true))
        copier.onEvent = { events.append($0) }
        let s = try copier.copy([Operand(side: LocalSide(), path: t.path("src"))], to: Operand(side: LocalSide(), path: t.path("dst")))
        #expect(s.filesSent == 1 && s.filesUnchanged == 1)
        #expect(events.contains(.unchanged(destination: t.path("dst/src/same"))))
        #expect(t.read("dst/src/changed") == "new!")
    }

    @Test func staleTemporaryFilesAreSwept() throws {
        let t = try TestTree()
        try t.file("src", "x")
        try t.file("dst/.f.berth-tmp-0123456789ab", "left by a killed copy", mtime: 1_000_000)
        try t.file("dst/.g.berth-tmp-ba9876543210", "a live copy", mtime: Int64(Date().timeIntervalSince1970) + 3600)
        try t.file("dst/.h.berth-tmp-zz", "not ours", mtime: 1_000_000)
        let copier = Copier(options: CopyOptions())
        let s = try copier.copy([Operand(side: LocalSide(), path: t.path("src"))], to: Operand(side: LocalSide(), path: t.path("dst/f")))
        #expect(s.staleRemoved == 1)
        #expect(t.names("dst") == [".g.berth-tmp-ba9876543210", ".h.berth-tmp-zz", "f"])
    }

    @Test func replacesAFileKeepingItsModeUnlessRecursive() throws {
        let t = try TestTree()
        try t.file("src", "new", mode: 0o600)
        try t.file("dst", "old", mode: 0o644)
        try Copier(options: CopyOptions()).copy([Operand(side: LocalSide(), path: t.path("src"))],
                                                to: Operand(side: LocalSide(), path: t.path("dst")))
        #expect(t.read("dst") == "new")
        #expect(try t.info("dst")?.mode == 0o644)
        try Copier(options: CopyOptions()).copy([Operand(side: LocalSide(), path: t.path("src"))],
                                                to: Operand(side: LocalSide(), path: t.path("fresh")))
        #expect(try t.info("fresh")?.mode == 0o600)
    }

    @Test func aFullDiskIsToldApart() throws {
        let t = try TestTree()
        try t.file("src", "x")
        let dst = FaultySide()
        dst.failAfterBytes = 0
        dst.writeError = TransferError("", .noSpace)
        #expect(throws: TransferError(t.path("dst"), .noSpace)) {
            try Copier(options: CopyOptions()).copy([Operand(side: LocalSide(), path: t.path("src"))],
                                                    to: Operand(side: dst, path: t.path("dst")))
        }
    }
}

@Suite struct CommitBatchTests {
    func tree(_ n: Int) throws -> TestTree {
        let t = try TestTree()
        for i in 0..<n { try t.file("src/f\(i)", "file \(i)") }
        return t
    }

    @Test func checksumsAreCheckedInBatches() throws {
        let t = try tree(10)
        let dst = FaultySide()
        let copier = Copier(options: CopyOptions(recursive: true))
        try copier.copy([Operand(side: LocalSide(), path: t.path("src"))], to: Operand(side: dst, path: t.path("dst")))
        #expect(dst.checksumBatches == 1)
        #expect(t.names("dst").count == 10)

        let small = FaultySide()
        let batched = Copier(options: CopyOptions(recursive: true))
        batched.maxPendingFiles = 3
        try batched.copy([Operand(side: LocalSide(), path: t.path("src"))], to: Operand(side: small, path: t.path("dst2")))
        #expect(small.checksumBatches == 4)
        #expect(t.names("dst2").count == 10)
    }

    @Test func aMismatchInABatchRenamesNothingAfterIt() throws {
        let t = try tree(6)
        let dst = FaultySide()
        dst.corruptName = "f3"
        let copier = Copier(options: CopyOptions(recursive: true))
        #expect(throws: TransferError.self) {
            try copier.copy([Operand(side: LocalSide(), path: t.path("src"))], to: Operand(side: dst, path: t.path("dst")))
        }
        #expect(t.names("dst") == ["f0", "f1", "f2"])
        #expect(copier.temporaries.count == 0)
    }
}

@Suite struct BlockPipeTests {
    @Test func relaysBytesInOrderAndStopsOnCancel() throws {
        let pipe = BlockPipe(blocks: 2, blockSize: 7)
        let payload = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        let done = DispatchSemaphore(value: 0)
        Thread {
            var i = 0
            while i < payload.count, let b = pipe.takeEmpty() {
                let n = min(Int.random(in: 1...7), payload.count - i)
                b.buffer.copyBytes(from: payload[i..<i + n])
                b.count = n
                i += n
                pipe.put(b)
            }
            pipe.finish()
            done.signal()
        }.start()
        var out: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 13, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let n = try pipe.fill(buffer)
            if n == 0 { break }
            out += buffer[0..<n]
        }
        done.wait()
        #expect(out == payload)
    }

    @Test func theProducersErrorReachesTheConsumer() {
        let pipe = BlockPipe(blocks: 1, blockSize: 4)
        pipe.fail(TransferError("src", .notFound))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
        defer { buffer.deallocate() }
        #expect(throws: TransferError("src", .notFound)) { try pipe.fill(buffer) }
        pipe.cancel()
        #expect(pipe.takeEmpty() == nil)
    }
}

@Suite struct HashScriptTests {
    /// The script `SFTPSide` runs on hosts, run here with /bin/sh: one hash or `-` per path, in order.
    @Test func printsOneHashPerPathInOrder() throws {
        let t = try TestTree()
        try t.file("it's a file", "abc")
        try t.file("b", "")
        let script = SFTPSide.hashScript([t.path("it's a file"), t.path("missing"), t.path("b"), t.root])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.split(separator: "\n").map(String.init) == [
            "berth-sha256 0 " + SHA256DigestTests.abc, "berth-sha256 1 -", "berth-sha256 2 " + SHA256DigestTests.empty,
            "berth-sha256 3 -",
        ])
    }
}

@Suite struct HashScriptFallbackTests {
    @Test func saysSoWhenTheHostHasNoHasher() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", SFTPSide.hashScript(["/etc/hostname"])]
        p.environment = ["PATH": "/nonexistent"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text == "berth-nohash\n")
    }
}
