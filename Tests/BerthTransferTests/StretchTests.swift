@testable import BerthTransfer
import Foundation
import Testing

@Suite struct StretchTests {
    static let sizes: [(UInt64, Int)] = [
        (0, 3), (1, 3), (8 << 20, 3), ((256 << 20) + 7, 3), (1 << 30, 3), (100 << 20, 1), ((5 << 30) + 12345, 8),
    ]

    @Test(arguments: sizes)
    func stretchesCoverTheFileExactly(size: UInt64, lanes: Int) {
        let s = Stretches.split(size: size, lanes: lanes)
        #expect(s.reduce(0) { $0 + $1.length } == size)
        #expect(s.allSatisfy { $0.length > 0 && $0.length <= Stretches.maximumLength })
        for (a, b) in zip(s, s.dropFirst()) { #expect(a.end == b.offset) }
        // All but the last are whole multiples of the granule, and none is smaller than needed.
        #expect(s.dropLast().allSatisfy { $0.length % Stretches.granule == 0 && $0.length >= Stretches.minimumLength })
        #expect(s.first?.offset ?? 0 == 0)
    }

    @Test func aQuarterGigabyteGivesEachOfThreeLanesSeveralStretches() {
        let s = Stretches.split(size: 256 << 20, lanes: 3)
        #expect(s.count >= 6 && s.count <= 12, "\(s.count)")
    }

    @Test func theCombinedDigestTellsEveryStretch() {
        let a = Stretches.combinedDigest(["aa", "bb"])
        #expect(a == Stretches.combinedDigest(["aa", "bb"]))
        #expect(a != Stretches.combinedDigest(["bb", "aa"]))
        #expect(a != Stretches.combinedDigest(["aab", "b"]))
        #expect(a.hasPrefix("stretches:"))
    }

    func setUp(_ t: TestTree, size: Int) throws -> Data {
        let urandom = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        let data = urandom.readData(ofLength: size)
        try #require(data.count == size)
        try t.data("src/big", data)
        try t.file("dst/big", "old contents")
        return data
    }

    func copier(lanes: Int) -> Copier {
        let c = Copier(options: CopyOptions())
        c.lanes = lanes
        c.stretchMinimumSize = 1 << 20
        return c
    }

    @Test(arguments: [false, true])
    func aLargeFileCrossesInStretchesOverEveryLane(remoteSource: Bool) throws {
        let t = try TestTree()
        let data = try setUp(t, size: (40 << 20) + 4321)
        let src = FaultySide(), dst = FaultySide()
        src.laneCount = 8
        dst.laneCount = 3
        src.pretendsRemote = remoteSource
        dst.pretendsRemote = !remoteSource
        let c = copier(lanes: 4)
        var last: (Int64, Int64) = (0, 0)
        c.onProgress = { last = ($0, $1) }
        try c.copy([Operand(side: src, path: t.path("src/big"))], to: Operand(side: dst, path: t.path("dst/big")))
        #expect(FileManager.default.contents(atPath: t.path("dst/big")) == data)
        let stretches = Stretches.split(size: UInt64(data.count), lanes: 3)
        #expect(dst.stretchesDone.sorted() == stretches.map(\.offset))
        #expect(dst.lanesUsed == [0, 1, 2])
        #expect(last == (Int64(data.count), Int64(data.count)))
        #expect(t.names("dst") == ["big"])
    }

    @Test func oneFailedStretchLeavesTheDestinationAsItWas() throws {
        let t = try TestTree()
        _ = try setUp(t, size: 40 << 20)
        let src = FaultySide(), dst = FaultySide()
        src.laneCount = 3
        dst.laneCount = 3
        dst.pretendsRemote = true
        let stretches = Stretches.split(size: 40 << 20, lanes: 3)
        dst.failStretchAt = stretches[2].offset
        let c = copier(lanes: 3)
        #expect(throws: TransferError(t.path("dst/big"), .other("injected write failure"))) {
            try c.copy([Operand(side: src, path: t.path("src/big"))], to: Operand(side: dst, path: t.path("dst/big")))
        }
        #expect(t.read("dst/big") == "old contents")
        #expect(t.names("dst") == ["big"])
        #expect(dst.abandoned == 1 && src.abandoned == 1)
    }

    @Test func aStretchStoredWronglyIsAChecksumMismatch() throws {
        let t = try TestTree()
        _ = try setUp(t, size: 20 << 20)
        let src = FaultySide(), dst = FaultySide()
        src.laneCount = 2
        dst.laneCount = 2
        dst.pretendsRemote = true
        dst.corruptStretchAt = Stretches.split(size: 20 << 20, lanes: 2).last!.offset
        let c = copier(lanes: 2)
        #expect(throws: TransferError.self) {
            try c.copy([Operand(side: src, path: t.path("src/big"))], to: Operand(side: dst, path: t.path("dst/big")))
        }
        #expect(t.read("dst/big") == "old contents")
        #expect(t.names("dst") == ["big"])
    }

    @Test func aSideWithoutLanesStreamsTheFileAsOne() throws {
        let t = try TestTree()
        let data = try setUp(t, size: 3 << 20)
        let src = FaultySide(), dst = FaultySide()
        src.laneCount = 0
        dst.laneCount = 3
        dst.pretendsRemote = true
        try copier(lanes: 3).copy([Operand(side: src, path: t.path("src/big"))],
                                  to: Operand(side: dst, path: t.path("dst/big")))
        #expect(FileManager.default.contents(atPath: t.path("dst/big")) == data)
        #expect(dst.stretchesDone.isEmpty)
    }
}
