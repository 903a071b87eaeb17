import BerthCore
import Testing

@Suite("Container users (-u)")
struct ContainerUserTests {
    static let passwd = "root:x:0:0:root:/root:/bin/sh\n# comment\nnobody:x:65534:65534:nobody:/:/bin/false\nwww:x:33:33::/var/www:/bin/sh\n"
    static let group = "root:x:0:\nwww-data:x:33:\nstaff:x:50:www\n"

    @Test(arguments: [
        ("", 0, 0), ("root", 0, 0), ("www", 33, 33), ("33", 33, 33), ("1000", 1000, 0), ("www:staff", 33, 50),
        ("www:7", 33, 7), ("1000:1000", 1000, 1000), ("nobody", 65534, 65534),
    ] as [(String, UInt32, UInt32)])
    func resolvedAsRuncDoes(spec: String, uid: UInt32, gid: UInt32) throws {
        #expect(try ContainerUser.resolve(spec, passwd: Self.passwd, group: Self.group) == .init(uid: uid, gid: gid))
    }

    static func message(_ spec: String) -> String {
        do {
            _ = try ContainerUser.resolve(spec, passwd: passwd, group: group)
            return "no error"
        } catch { return "\(error)" }
    }

    @Test func unknownNamesAreDockerdsErrors() throws {
        #expect(Self.message("bob") == "unable to find user bob: no matching entries in passwd file")
        #expect(Self.message("www:wheel") == "unable to find group wheel: no matching entries in group file")
        #expect(throws: ContainerUser.Failure.self) { try ContainerUser.resolve("www", passwd: nil, group: nil) }
        #expect(try ContainerUser.resolve("root", passwd: nil, group: nil) == .init(uid: 0, gid: 0))
    }
}

@Suite("Go durations") struct GoDurationTests {
    @Test(arguments: [("30s", Int64(30_000_000_000)), ("1m30s", 90_000_000_000), ("500ms", 500_000_000),
                      ("1.5h", 5_400_000_000_000), ("0", 0), ("10us", 10_000), ("2h45m", 9_900_000_000_000)])
    func parsedAsGo(text: String, ns: Int64) { #expect(GoDuration.nanoseconds(text) == ns) }

    @Test(arguments: ["", "5", "s", "1x", "1.2.3s", "--1s"])
    func refused(text: String) { #expect(GoDuration.nanoseconds(text) == nil) }
}

@Suite struct SupplementaryGroupTests {
    let passwd = "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\n"
    let group = "root:x:0:\nwheel:x:10:root,bob\nstaff:x:50:bob\nbob:x:1000:\n"

    @Test func membershipsThenGroupAddWithoutDuplicates() throws {
        #expect(try ContainerUser.supplementaryGroups("bob", adds: [], passwd: passwd, group: group) == [10, 50])
        #expect(try ContainerUser.supplementaryGroups("1000", adds: ["staff", "77", "10"], passwd: passwd, group: group)
            == [10, 50, 77])
        #expect(try ContainerUser.supplementaryGroups(nil, adds: ["wheel"], passwd: passwd, group: group) == [10])
        do {
            _ = try ContainerUser.supplementaryGroups("bob", adds: ["nosuch"], passwd: passwd, group: group)
            Issue.record("an unknown group was accepted")
        } catch let f as ContainerUser.Failure {
            #expect(f.description == "Unable to find group nosuch: no matching entries in group file")
        }
    }
}
