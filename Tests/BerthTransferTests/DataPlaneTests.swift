import BerthTransfer
import Foundation
import Testing

/// The data plane's wire forms and the operations the agent runs on its `LocalSide` (here in a temporary directory,
/// as the test's own user: no agent, no root).
@Suite struct DataPlaneTests {
    @Test func operationsRoundTripAsJSON() throws {
        var op = DataPlane.Operation(.setAttributes, user: "root", path: "/tmp/a b", mode: 0o640)
        op.modificationTime = 981_173_106
        let decoded = try JSONDecoder().decode(DataPlane.Operation.self, from: JSONEncoder().encode(op))
        #expect(decoded == op)
        let text = String(decoding: try JSONEncoder().encode(DataPlane.Operation(.info, user: "u", path: "p")), as: UTF8.self)
        #expect(text.contains("\"op\":\"info\""))
    }

    @Test func failuresKeepTheirCauseAndNameTheUsersPath() throws {
        for cause: TransferError.Cause in [.notFound, .permissionDenied, .noSpace, .isDirectory, .notDirectory, .readOnly] {
            let failure = DataPlane.Failure(TransferError("/srv/x", cause))
            let back = try JSONDecoder().decode(DataPlane.Failure.self, from: JSONEncoder().encode(failure))
            #expect(back.transferError(at: "m1:/srv/x") == TransferError("m1:/srv/x", cause))
        }
        let other = DataPlane.Failure(TransferError("/x", .other("Input/output error")))
        #expect(other.transferError(at: "m1:/x").description == "m1:/x: Input/output error")
    }

    @Test func stagingNamesCarryTheAgentsPidAndStartAndAreSweptOnlyWhenAbandoned() {
        let name = DataPlane.Tree.stagingName(pid: 4321, started: 1_000_000, random: "ab12")
        #expect(name == ".berth-tmp-4321-t1000000-ab12")
        #expect(DataPlane.Tree.parseStaging(name)! == (4321, 1_000_000))
        // The SSH path's names (`.berth-tmp-<pid>-<hex>`) have no start time; other names are not staging ones.
        #expect(DataPlane.Tree.parseStaging(".berth-tmp-77-beef")! == (77, nil))
        #expect(DataPlane.Tree.parseStaging("data") == nil)
        #expect(DataPlane.Tree.parseStaging(".berth-tmp-x-1") == nil)

        func abandoned(_ name: String, now: Int, modified: Int = 0, active: Set<String> = [], alive: Bool = false) -> Bool {
            DataPlane.Tree.isAbandoned(name, now: now, modified: modified, ownPid: 4321, active: active) { _ in alive }
        }
        let limit = DataPlane.Tree.abandonAfter
        // This agent's own: by its start time (the extraction sets the directory's time from the tar).
        #expect(!abandoned(name, now: 1_000_000 + limit))
        #expect(abandoned(name, now: 1_000_001 + limit))
        #expect(!abandoned(name, now: 1_000_001 + limit, active: [name]))
        // Another process's: only when it is gone and the directory is old.
        let ssh = ".berth-tmp-77-beef"
        #expect(!abandoned(ssh, now: limit + 100, modified: 50, alive: true))
        #expect(!abandoned(ssh, now: limit + 10, modified: 50))
        #expect(abandoned(ssh, now: limit + 100, modified: 50))
        #expect(abandoned(ssh + ".fifo", now: limit + 100, modified: 50))
        #expect(!abandoned("data", now: .max / 2))
    }

    @Test func treeAnswersRoundTripAsJSON() throws {
        let result = DataPlane.TreeResult(bytes: 10240, sha256: String(repeating: "a", count: 64),
                                          destinationSha256: String(repeating: "a", count: 64),
                                          staging: "/var/lib/berth/volumes/.berth-tmp-1-t2-3")
        #expect(try JSONDecoder().decode(DataPlane.TreeResult.self, from: JSONEncoder().encode(result)) == result)
        let push = DataPlane.TreePush(path: "/var/lib/berth/volumes/v/_data", to: "https://10.0.0.2:2376",
                                      root: "/var/lib/berth/volumes")
        #expect(try JSONDecoder().decode(DataPlane.TreePush.self, from: JSONEncoder().encode(push)) == push)
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(DataPlane.query([("path", "/tmp/a b&c=ü"), ("user", "root")])
                == "path=/tmp/a%20b%26c%3D%C3%BC&user=root")
    }

    @Test func operationsRunOnALocalSide() throws {
        let dir = NSTemporaryDirectory() + "berth-dataplane-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let side = LocalSide()
        func run(_ op: DataPlane.Operation) throws -> DataPlane.Answer { try DataPlane.perform(op, on: side) }
        _ = try run(DataPlane.Operation(.makeDirectory, user: "", path: dir + "/d", mode: 0o750))
        _ = try run(DataPlane.Operation(.createExclusive, user: "", path: dir + "/d/f", mode: 0o600))
        #expect(throws: TransferError.self) { try run(DataPlane.Operation(.createExclusive, user: "", path: dir + "/d/f")) }
        try "hello\n".write(toFile: dir + "/d/f", atomically: false, encoding: .utf8)
        _ = try run(DataPlane.Operation(.makeSymbolicLink, user: "", path: dir + "/d/l", other: "f"))
        let listed = try run(DataPlane.Operation(.list, user: "", path: dir + "/d")).entries ?? []
        #expect(Set(listed.map(\.name)) == ["f", "l"])
        #expect(listed.first { $0.name == "l" }?.info.fileInfo.kind == .symbolicLink)
        #expect(try run(DataPlane.Operation(.readLink, user: "", path: dir + "/d/l")).text == "f")
        let info = try run(DataPlane.Operation(.info, user: "", path: dir + "/d/l", followLinks: true)).info
        #expect(info?.fileInfo.kind == .regular && info?.size == 6 && info?.mode == 0o600)
        #expect(try run(DataPlane.Operation(.info, user: "", path: dir + "/nope")).info == nil)
        _ = try run(DataPlane.Operation(.rename, user: "", path: dir + "/d/f", other: dir + "/d/g"))
        let sums = try run(DataPlane.Operation(.sha256, user: "", path: dir + "/d/g", paths: [dir + "/d/g", dir + "/none"]))
        #expect(sums.hashes == [dir + "/d/g": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"])
        _ = try run(DataPlane.Operation(.remove, user: "", path: dir + "/d/g"))
        #expect(throws: TransferError("\(dir)/d/g", .notFound)) {
            try run(DataPlane.Operation(.remove, user: "", path: dir + "/d/g"))
        }
        #expect((try run(DataPlane.Operation(.freeBytes, user: "", path: dir)).free ?? 0) > 0)
    }
}
