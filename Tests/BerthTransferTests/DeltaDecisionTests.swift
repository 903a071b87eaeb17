@testable import BerthTransfer
import Foundation
import Testing

@Suite struct DeltaDecisionTests {
    let five = FileInfo(kind: .regular, size: 5)

    @Test func decidesBySizeThenChecksum() {
        #expect(DeltaDecision.mustSend(source: five, existing: nil, sourceHash: nil, destinationHash: nil))
        #expect(DeltaDecision.mustSend(source: five, existing: FileInfo(kind: .regular, size: 6), sourceHash: "a", destinationHash: "a"))
        #expect(DeltaDecision.mustSend(source: five, existing: FileInfo(kind: .symbolicLink, size: 5), sourceHash: "a", destinationHash: "a"))
        #expect(DeltaDecision.mustSend(source: five, existing: five, sourceHash: "a", destinationHash: "b"))
        #expect(DeltaDecision.mustSend(source: five, existing: five, sourceHash: nil, destinationHash: "b"))
        #expect(!DeltaDecision.mustSend(source: five, existing: five, sourceHash: "a", destinationHash: "a"))
        let empty = FileInfo(kind: .regular, size: 0)
        #expect(!DeltaDecision.mustSend(source: empty, existing: empty, sourceHash: nil, destinationHash: nil))
    }

    @Test func checksumsOnlyWhenSizesMatch() {
        #expect(DeltaDecision.needsChecksums(source: five, existing: five))
        #expect(!DeltaDecision.needsChecksums(source: five, existing: nil))
        #expect(!DeltaDecision.needsChecksums(source: five, existing: FileInfo(kind: .regular, size: 4)))
        #expect(!DeltaDecision.needsChecksums(source: FileInfo(kind: .regular, size: 0), existing: FileInfo(kind: .regular, size: 0)))
    }

    @Test func marksUnchangedFilesOfATree() throws {
        let t = try TestTree()
        try t.file("src/same", "hello")
        try t.file("src/edited", "hello")
        try t.file("src/grown", "hello")
        try t.file("src/new", "hello")
        try t.file("dst/src/same", "hello")
        try t.file("dst/src/edited", "HELLO")
        try t.file("dst/src/grown", "hell")
        let local = LocalSide(), other = LocalSide()
        var plan = try CopyPlanner.plan(sources: [Operand(side: local, path: t.path("src"))],
                                        destination: Operand(side: other, path: t.path("dst")),
                                        options: CopyOptions(recursive: true, delta: true))
        try DeltaDecision.apply(to: &plan)
        let unchanged = plan.entries.filter { $0.action == .copyFile && $0.unchanged }.map { CopyNaming.lastComponent($0.destination) }
        #expect(unchanged == ["same"])
        #expect(plan.bytesToSend == 15)
    }
}
