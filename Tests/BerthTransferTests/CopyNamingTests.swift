import BerthTransfer
import Testing

@Suite struct CopyNamingTests {
    @Test(arguments: [
        ("a/b", "b"), ("a/b/", "b"), ("b", "b"), ("/x/y//", "y"), ("sp ace é", "sp ace é"),
    ])
    func baseName(_ path: String, _ name: String) {
        #expect(CopyNaming.baseName(path) == name)
    }

    @Test(arguments: ["/", ".", "..", "", "a/..", "./", "//"])
    func baseNameNeedsResolving(_ path: String) {
        #expect(CopyNaming.baseName(path) == nil)
    }

    @Test func joinAndParent() {
        #expect(CopyNaming.join("/d", "f") == "/d/f")
        #expect(CopyNaming.join("/d/", "f") == "/d/f")
        #expect(CopyNaming.join(".", "f") == "f")
        #expect(CopyNaming.join("", "f") == "f")
        #expect(CopyNaming.parent("a/b") == "a")
        #expect(CopyNaming.parent("a/b/") == "a")
        #expect(CopyNaming.parent("b") == ".")
        #expect(CopyNaming.parent("/b") == "/")
        #expect(CopyNaming.parent("/a//b") == "/a")
    }

    @Test func targetFollowsScp() {
        #expect(CopyNaming.target(sourceName: "f", destination: "/d", destinationIsDirectory: true) == "/d/f")
        #expect(CopyNaming.target(sourceName: "f", destination: "/d/new", destinationIsDirectory: false) == "/d/new")
    }

    @Test func temporaryNamesSitBesideTheDestination() {
        let t = TemporaryName.make(for: "/d/file.txt")
        #expect(t.hasPrefix("/d/.file.txt.berth-tmp-"))
        #expect(t.count == "/d/.file.txt.berth-tmp-".count + 12)
        #expect(TemporaryName.isTemporary(CopyNaming.lastComponent(t)))
        #expect(TemporaryName.make(for: "rel").hasPrefix(".rel.berth-tmp-"))
        #expect(TemporaryName.make(for: "./rel").hasPrefix("./.rel.berth-tmp-"))
        #expect(TemporaryName.make(for: "sp ace é") .hasPrefix(".sp ace é.berth-tmp-"))
    }

    @Test func temporaryNamesFitInAFileName() {
        let long = String(repeating: "é", count: 127) // 254 bytes
        let t = CopyNaming.lastComponent(TemporaryName.make(for: "/d/" + long))
        #expect(t.utf8.count <= 255)
        #expect(TemporaryName.isTemporary(t))
    }

    @Test(arguments: [
        (".a.berth-tmp-0123456789ab", true), (".a.b.berth-tmp-ffffffffffff", true),
        ("a.berth-tmp-0123456789ab", false), (".a.berth-tmp-0123", false), (".a.berth-tmp-0123456789AB", false),
        (".a.berth-tmp-0123456789ab.x", false), ("file", false),
    ])
    func recognisesTemporaryNames(_ name: String, _ yes: Bool) {
        #expect(TemporaryName.isTemporary(name) == yes)
    }
}
