@testable import BerthTransfer
import Foundation
import Testing

@Suite struct CopyPlannerTests {
    let local = LocalSide()

    func operand(_ p: String) -> Operand { Operand(side: local, path: p) }

    func plan(_ t: TestTree, _ sources: [String], _ dst: String, recursive: Bool = false) throws -> CopyPlan {
        try CopyPlanner.plan(sources: sources.map { operand(t.path($0)) }, destination: operand(t.path(dst)),
                             options: CopyOptions(recursive: recursive))
    }

    func failure(_ body: () throws -> Any) -> TransferError? {
        do { _ = try body() } catch let e as TransferError { return e } catch { return nil }
        return nil
    }

    @Test func severalSourcesGoIntoADirectory() throws {
        let t = try TestTree()
        try t.file("a", "1")
        try t.file("b", "2")
        try t.dir("d")
        let p = try plan(t, ["a", "b"], "d")
        #expect(p.entries.map(\.destination) == [t.path("d/a"), t.path("d/b")])
        let allPlainFiles = p.entries.allSatisfy { $0.action == .copyFile && !$0.preserve }
        #expect(allPlainFiles)
        #expect(p.bytesToSend == 2)
    }

    @Test func severalSourcesNeedAnExistingDirectory() throws {
        let t = try TestTree()
        try t.file("a", "1")
        try t.file("b", "2")
        #expect(failure { try plan(t, ["a", "b"], "nope") } == TransferError(t.path("nope"), .notFound))
        #expect(failure { try plan(t, ["a", "b"], "b") } == TransferError(t.path("b"), .notDirectory))
    }

    @Test func oneSourceIsRenamedOrGoesInside() throws {
        let t = try TestTree()
        try t.file("a", "1")
        try t.dir("d")
        #expect(try plan(t, ["a"], "new").entries.map(\.destination) == [t.path("new")])
        #expect(try plan(t, ["a"], "d").entries.map(\.destination) == [t.path("d/a")])
        #expect(try plan(t, ["a"], "d/").entries.map(\.destination) == [t.path("d/a")])
        let over = try plan(t, ["a"], "a")
        #expect(over.entries.first?.existing?.kind == .regular)
    }

    @Test func missingPiecesAreNamed() throws {
        let t = try TestTree()
        try t.file("a", "1")
        #expect(failure { try plan(t, ["nope"], "x") } == TransferError(t.path("nope"), .notFound))
        #expect(failure { try plan(t, ["a", "nope"], "x") } == TransferError(t.path("nope"), .notFound))
        #expect(failure { try plan(t, ["a"], "nodir/x") } == TransferError(t.path("nodir"), .notFound))
        #expect(failure { try plan(t, ["a"], "newdir/") } == TransferError(t.path("newdir/"), .notFound))
        #expect(failure { try plan(t, ["a"], "a/x") } == TransferError(t.path("a"), .notDirectory))
    }

    @Test func directoriesNeedRecursive() throws {
        let t = try TestTree()
        try t.dir("src")
        #expect(failure { try plan(t, ["src"], "dst") } == TransferError(t.path("src"), .isDirectory))
        #expect(try plan(t, ["src"], "dst", recursive: true).entries.count == 2)
    }

    @Test func aFileCannotReplaceADirectory() throws {
        let t = try TestTree()
        try t.file("a", "1")
        try t.dir("d/a")
        #expect(failure { try plan(t, ["a"], "d") } == TransferError(t.path("d/a"), .isDirectory))
    }

    @Test func aTreeIsWalkedInOrder() throws {
        let t = try TestTree()
        try t.file("src/b", "bb", mode: 0o600)
        try t.file("src/a", "a")
        try t.file("src/sub/c", "ccc")
        try t.link("src/l", to: "a")
        let p = try plan(t, ["src"], "dst", recursive: true)
        let shape = p.entries.map { e -> String in
            let rel = String(e.destination.dropFirst(t.root.count + 1))
            switch e.action {
            case .makeDirectory: return "mkdir " + rel
            case .copyFile: return "file " + rel
            case .makeSymbolicLink(let target): return "link \(rel) -> \(target)"
            case .finishDirectory: return "done " + rel
            }
        }
        #expect(shape == ["mkdir dst", "file dst/a", "file dst/b", "link dst/l -> a", "mkdir dst/sub", "file dst/sub/c",
                          "done dst/sub", "done dst"])
        let allPreserved = p.entries.allSatisfy(\.preserve)
        #expect(allPreserved)
        #expect(p.bytesToSend == 6)
        #expect(p.entries[2].info.mode == 0o600)
    }

    @Test func aTreeGoesInsideAnExistingDirectory() throws {
        let t = try TestTree()
        try t.file("src/a", "a")
        try t.dir("dst")
        let p = try plan(t, ["src"], "dst", recursive: true)
        #expect(p.entries.first?.destination == t.path("dst/src"))
    }

    @Test func dotIsNamedAfterTheDirectory() throws {
        let t = try TestTree()
        try t.file("src/a", "a")
        try t.dir("dst")
        let p = try CopyPlanner.plan(sources: [operand(t.path("src") + "/.")], destination: operand(t.path("dst")),
                                     options: CopyOptions(recursive: true))
        #expect(p.entries.first?.destination == t.path("dst/src"))
    }
}
