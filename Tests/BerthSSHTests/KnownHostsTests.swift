import Foundation
import Testing
@testable import BerthSSH

@Suite struct KnownHostsTests {
    static let keyA = HostKey(type: "ssh-ed25519", base64: "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")!
    static let keyB = HostKey(type: "ssh-ed25519", base64: "AAAAC3NzaC1lZDI1NTE5AAAAIFtgDGiw3L3kDy2ZSavJGykCCrodUlCy7y6p7chGQa6L")!

    @Test func hostPatternUsesBracketsOffPort22() {
        #expect(KnownHostsFile.hostPattern(host: "10.0.0.2", port: 22) == "10.0.0.2")
        #expect(KnownHostsFile.hostPattern(host: "10.0.0.2", port: 2222) == "[10.0.0.2]:2222")
        #expect(KnownHostsFile.hostPattern(host: "Lab1.Example", port: 22) == "lab1.example")
        #expect(KnownHostsFile.hostPattern(host: "::1", port: 2200) == "[::1]:2200")
    }

    @Test func parsesLinesWithMarkersAndComments() throws {
        let e = try #require(KnownHostsEntry(line: "[10.0.0.2]:2222,lab1 \(Self.keyA.type) \(Self.keyA.base64) root@lab1"))
        #expect(e.patterns == ["[10.0.0.2]:2222", "lab1"])
        #expect(e.key == Self.keyA)
        #expect(e.comment == "root@lab1")
        #expect(e.marker == nil)
        let ca = try #require(KnownHostsEntry(line: "@cert-authority *.lab \(Self.keyB.type) \(Self.keyB.base64)"))
        #expect(ca.marker == "@cert-authority")
        #expect(KnownHostsEntry(line: "# comment") == nil)
        #expect(KnownHostsEntry(line: "   ") == nil)
        #expect(KnownHostsEntry(line: "host ssh-ed25519") == nil)
        #expect(KnownHostsEntry(line: "host ssh-ed25519 !!!notbase64") == nil)
    }

    @Test func lineRoundTrips() throws {
        let line = "[127.0.0.1]:2222 \(Self.keyA.type) \(Self.keyA.base64)"
        #expect(try #require(KnownHostsEntry(line: line)).line == line)
        #expect(KnownHostsEntry(patterns: ["h"], key: Self.keyB, comment: "c").line == "h \(Self.keyB.type) \(Self.keyB.base64) c")
    }

    @Test func matchingHonoursWildcardsAndNegation() throws {
        let e = try #require(KnownHostsEntry(line: "*.lab,!bad.lab \(Self.keyA.type) \(Self.keyA.base64)"))
        #expect(e.matches("good.lab"))
        #expect(e.matches("GOOD.LAB"))
        #expect(!e.matches("bad.lab"))
        #expect(!e.matches("lab"))
        let hashed = try #require(KnownHostsEntry(line: "|1|abc=|def= \(Self.keyA.type) \(Self.keyA.base64)"))
        #expect(!hashed.matches("anything"))
    }

    @Test func lookupAddAndRender() {
        var file = KnownHostsFile(path: "/x", text: """
        # pinned by berth
        [10.0.0.2]:2222 \(Self.keyA.type) \(Self.keyA.base64)
        @revoked [10.0.0.3]:22 \(Self.keyB.type) \(Self.keyB.base64)
        garbage line kept
        """)
        #expect(file.keys(for: "[10.0.0.2]:2222") == [Self.keyA])
        #expect(file.keys(for: "10.0.0.2").isEmpty)
        #expect(file.keys(for: "[10.0.0.3]:22").isEmpty)
        file.add(Self.keyB, for: "[10.0.0.4]:2200")
        #expect(file.keys(for: "[10.0.0.4]:2200") == [Self.keyB])
        #expect(file.text.hasPrefix("# pinned by berth\n"))
        #expect(file.text.contains("garbage line kept\n"))
        #expect(file.text.hasSuffix("[10.0.0.4]:2200 \(Self.keyB.type) \(Self.keyB.base64)\n"))
    }

    @Test func saveIsAtomicAndPrivate() throws {
        let dir = try TestFiles.makeTemporaryDirectory("berth-kh")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sub/known_hosts"
        var file = try KnownHostsFile.load(path: path)
        #expect(file.lines.isEmpty)
        file.add(Self.keyA, for: "[h]:2")
        try file.save()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try KnownHostsFile.load(path: path).keys(for: "[h]:2") == [Self.keyA])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/sub")
        #expect(leftovers == ["known_hosts"])
    }
}
