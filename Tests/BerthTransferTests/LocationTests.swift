import BerthCore
import BerthTransfer
import Testing

@Suite struct LocationTests {
    @Test(arguments: [
        ("sc1:/tmp/x", Location.remote(machine: "sc1", user: nil, path: "/tmp/x")),
        ("admin@sc1:x y", .remote(machine: "sc1", user: "admin", path: "x y")),
        ("a@b@sc1:p", .remote(machine: "sc1", user: "a@b", path: "p")),
        ("sc1:", .remote(machine: "sc1", user: nil, path: ".")),
        ("sc1:~", .remote(machine: "sc1", user: nil, path: ".")),
        ("sc1:~/a/b", .remote(machine: "sc1", user: nil, path: "a/b")),
        ("web-01.example:rel/ative", .remote(machine: "web-01.example", user: nil, path: "rel/ative")),
        ("sc1:/with:colon", .remote(machine: "sc1", user: nil, path: "/with:colon")),
        ("localhost:/tmp/a", .local(path: "/tmp/a")),
        ("localhost:", .local(path: ".")),
        ("/tmp/a:b", .local(path: "/tmp/a:b")),
        ("./a:b", .local(path: "./a:b")),
        ("dir/x:y", .local(path: "dir/x:y")),
        (":x", .local(path: ":x")),
        ("plain.txt", .local(path: "plain.txt")),
        ("my file:v2", .local(path: "my file:v2")),
        ("ünï:x", .local(path: "ünï:x")),
        ("-dash:x", .local(path: "-dash:x")),
    ])
    func parses(_ text: String, _ expected: Location) throws {
        #expect(try Location.parse(text) == expected)
    }

    @Test(arguments: ["", "u@localhost:x", "@sc1:x", "u@:x"])
    func rejects(_ text: String) {
        #expect(throws: BerthError.self) { try Location.parse(text) }
    }

    @Test func describesAndNamesTheMachine() throws {
        #expect(try Location.parse("admin@sc1:/a b").description == "admin@sc1:/a b")
        #expect(try Location.parse("sc1:/x").machine == "sc1")
        #expect(try Location.parse("/x").machine == nil)
        #expect(try Location.parse("sc2:f").path == "f")
    }

    @Test func localhostExpandsTheHomeDirectory() throws {
        let p = try Location.parse("localhost:~/x").path
        #expect(p.hasSuffix("/x") && !p.hasPrefix("~"))
    }
}
