@testable import BerthImageFormat
import Testing

@Suite struct TarTests {
    @Test func roundTripKeepsEntries() throws {
        let long = String(repeating: "d/", count: 70) + "file.txt"  // longer than 100 and than ustar's 255
        let entries: [(TarEntry, [UInt8])] = [
            (TarEntry(path: "etc", type: .directory, mode: 0o755, mtime: 100), []),
            (TarEntry(path: "etc/hosts", type: .file, mode: 0o644, uid: 1000, gid: 1000, mtime: 200), Array("x\n".utf8)),
            (TarEntry(path: "etc/link", type: .symlink, mode: 0o777, linkName: "hosts"), []),
            (TarEntry(path: long, type: .file, mode: 0o600, xattrs: ["user.k": Array("v".utf8)]), Array("long".utf8)),
            (TarEntry(path: "dev/null", type: .characterDevice, mode: 0o666, devMajor: 1, devMinor: 3), []),
        ]
        let bytes = TarWriter.archive(entries)
        #expect(bytes.count % 512 == 0)
        var reader = TarReader(TarBytes(bytes))
        var read: [(TarEntry, [UInt8])] = []
        while let entry = try reader.next() { read.append((entry, try reader.readContents())) }
        #expect(read.count == entries.count)
        for ((a, da), (b, db)) in zip(entries, read) {
            var expected = a
            expected.size = da.count
            #expect(b == expected)
            #expect(db == da)
        }
        #expect(TarWriter.archive(entries) == bytes)  // deterministic
    }

    @Test func gnuLongNamesAreRead() throws {
        let name = String(repeating: "n", count: 150)
        var out = TarWriter.block(name: "././@LongLink", prefix: "", mode: 0, uid: 0, gid: 0, size: name.utf8.count + 1,
                                  mtime: 0, flag: UInt8(ascii: "L"), link: "", uname: "", gname: "", major: 0, minor: 0)
        out += Array(name.utf8) + [0]
        out += TarWriter.padding(name.utf8.count + 1)
        out += TarWriter.header(TarEntry(path: String(name.prefix(100)), type: .file, size: 0))
        out += TarWriter.end
        var reader = TarReader(TarBytes(out))
        #expect(try reader.next()?.path == name)
        #expect(try reader.next() == nil)
    }

    @Test func badChecksumIsRejected() {
        var bytes = TarWriter.archive([(TarEntry(path: "a", type: .file), [1])])
        bytes[0] = UInt8(ascii: "b")
        var reader = TarReader(TarBytes(bytes))
        #expect(throws: TarError.badChecksum) { _ = try reader.next() }
    }

    @Test func emptyLayerHasDockersDigestSize() {
        #expect(TarWriter.archive([]).count == 1024)
    }

    @Test func whiteoutsAreClassified() {
        #expect(Whiteout.classify("etc/.wh.passwd") == .remove("etc/passwd"))
        #expect(Whiteout.classify(".wh.tmp") == .remove("tmp"))
        #expect(Whiteout.classify("var/.wh..wh..opq") == .opaque("var"))
        #expect(Whiteout.classify("etc/passwd") == Whiteout.Kind.none)
        #expect(Whiteout.removal(of: "etc/passwd") == "etc/.wh.passwd")
        #expect(Whiteout.opaque(in: "var") == "var/.wh..wh..opq")
    }
}

@Suite struct DockerfileTests {
    @Test func continuationsCommentsAndForms() throws {
        let text = """
        # syntax=docker/dockerfile:1
        FROM busybox AS base
        # a comment
        RUN echo a \\
        # inside
          && echo b
        CMD ["sh", "-c", "echo \\"hi\\""]
        entrypoint echo x

        """
        let (_, steps) = try Dockerfile.parse(text)
        #expect(steps.map(\.keyword) == ["FROM", "RUN", "CMD", "ENTRYPOINT"])
        #expect(steps[1].rest == "echo a && echo b")
        #expect(steps[1].line == 4)
        #expect(steps[1].json == nil)
        #expect(steps[2].json == ["sh", "-c", "echo \"hi\""])
        #expect(steps[0].original == "FROM busybox AS base")
        #expect(try Dockerfile.parse("COPY --chown=1 a b").instructions[0].original == "COPY --chown=1 a b")
    }

    @Test func escapeDirective() throws {
        let (escape, steps) = try Dockerfile.parse("# escape=`\nFROM scratch\nCOPY a `\n  b /\n")
        #expect(escape == "`")
        #expect(steps[1].rest == "a b /")
    }

    @Test func unknownInstructionNamesTheLine() {
        #expect(throws: DockerfileError("dockerfile parse error line 2: unknown instruction: FOOBAR")) {
            _ = try Dockerfile.parse("FROM busybox\nFOOBAR x\n")
        }
    }

    /// ONBUILD triggers are checked when the Dockerfile is parsed, with dockerd's words.
    @Test func onbuildTriggers() throws {
        #expect(try Dockerfile.parse("FROM x\nONBUILD RUN echo hi\n").instructions[1].rest == "RUN echo hi")
        #expect(try Dockerfile.trigger("RUN echo hi").keyword == "RUN")
        #expect(throws: DockerfileError("dockerfile parse error line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")) {
            _ = try Dockerfile.parse("FROM x\nONBUILD ONBUILD RUN x\n")
        }
        #expect(throws: DockerfileError("dockerfile parse error line 2: FROM isn't allowed as an ONBUILD trigger")) {
            _ = try Dockerfile.parse("FROM x\nonbuild from y\n")
        }
        #expect(throws: DockerfileError("dockerfile parse error line 2: unknown instruction: BOGUS")) {
            _ = try Dockerfile.parse("FROM x\nONBUILD BOGUS y\n")
        }
    }

    @Test func flagsAreSplitOff() throws {
        let (_, steps) = try Dockerfile.parse("COPY --chown=1:2 --from=x a b\n")
        #expect(steps[0].flags == ["chown": "1:2", "from": "x"])
        #expect(steps[0].rest == "a b")
    }

    @Test func substitution() throws {
        let lex = ShellLex()
        let env = ["A": "one", "E": ""]
        #expect(try lex.processWord("$A/${A}/${B:-two}/${A:+set}/${E:-empty}/${E-unset}", env: env) == "one/one/two/set/empty/")
        #expect(try lex.processWord("'$A' \"$A\" \\$A", env: env) == "$A one $A")
        #expect(try lex.processWords("a \"b c\" d\\ e", env: env) == ["a", "b c", "d e"])
    }

    @Test func keyValues() throws {
        let lex = ShellLex()
        let pairs = try lex.keyValues("A=1 B=\"two words\" C=$X", env: ["X": "x"], keyword: "ENV")
        #expect(pairs.map(\.0) == ["A", "B", "C"])
        #expect(pairs.map(\.1) == ["1", "two words", "x"])
        let old = try lex.keyValues("KEY some value", env: [:], keyword: "ENV")
        #expect(old.map(\.0) == ["KEY"])
        #expect(old.map(\.1) == ["some value"])
    }

    @Test func jsonArrays() {
        #expect(Dockerfile.parseJSONStringArray("[\"a\", \"b\\u0041\"]") == ["a", "bA"])
        #expect(Dockerfile.parseJSONStringArray("[a]") == nil)
        #expect(Dockerfile.parseJSONStringArray("[]") == [])
    }
}

@Suite struct DockerIgnoreTests {
    @Test func rules() {
        let ignore = DockerIgnore("# c\n*.log\n!keep.log\nbuild/\n**/*.tmp\n/secret\n")
        #expect(ignore.excludes("a.log"))
        #expect(!ignore.excludes("keep.log"))
        #expect(!ignore.excludes("dir/a.log"))
        #expect(ignore.excludes("build/x/y"))
        #expect(ignore.excludes("x/y/z.tmp"))
        #expect(ignore.excludes("z.tmp"))
        #expect(ignore.excludes("secret"))
        #expect(!ignore.excludes("src/main.c"))
    }

    @Test func globs() {
        #expect(Glob.match("a?c", "abc"))
        #expect(Glob.match("[a-c]x", "bx"))
        #expect(!Glob.match("[^a-c]x", "bx"))
        #expect(!Glob.match("*", "") == false)
    }
}

@Suite struct BuildContextTests {
    func context(_ files: [(TarEntry, [UInt8])]) throws -> BuildContext {
        try BuildContext(tar: TarWriter.archive(files))
    }

    @Test func copyDirectoryMakesParents() throws {
        let ctx = try context([
            (TarEntry(path: "htdocs", type: .directory, mode: 0o755), []),
            (TarEntry(path: "htdocs/index.html", type: .file, uid: 501, gid: 20), Array("hi".utf8)),
            (TarEntry(path: "Dockerfile", type: .file), []),
        ])
        let plan = try CopyPlan.entries(context: ctx, sources: try ctx.sources("htdocs", instruction: "ADD"),
                                        options: .init(destination: "/usr/local/apache2/htdocs", workdir: "/"),
                                        existing: { $0 == "usr" ? TarEntry(path: "usr", type: .directory, mode: 0o700) : nil })
        #expect(plan.map(\.0.path) == ["usr", "usr/local", "usr/local/apache2", "usr/local/apache2/htdocs",
                                       "usr/local/apache2/htdocs/index.html"])
        #expect(plan[0].0.mode == 0o700)
        #expect(plan[4].0.uid == 0)
        #expect(plan[4].1 == Array("hi".utf8))
    }

    @Test func fileIntoDirectoryAndRename() throws {
        let ctx = try context([(TarEntry(path: "a.txt", type: .file), [1]), (TarEntry(path: "b.txt", type: .file), [2])])
        let into = try CopyPlan.entries(context: ctx, sources: ["a.txt"], options: .init(destination: "dir/", workdir: "/w"),
                                        existing: { _ in nil })
        #expect(into.map(\.0.path) == ["w", "w/dir", "w/dir/a.txt"])
        let renamed = try CopyPlan.entries(context: ctx, sources: ["a.txt"], options: .init(destination: "/x", workdir: "/"),
                                           existing: { _ in nil })
        #expect(renamed.map(\.0.path) == ["x"])
        #expect(try ctx.sources("*.txt", instruction: "COPY") == ["a.txt", "b.txt"])
        #expect(throws: DockerfileError.self) { _ = try ctx.sources("nothere", instruction: "COPY") }
    }

    @Test func addExtractsTars() throws {
        let inner = TarWriter.archive([(TarEntry(path: "x/y", type: .file), [9])])
        let ctx = try context([(TarEntry(path: "t.tar", type: .file), inner)])
        let plan = try CopyPlan.entries(context: ctx, sources: ["t.tar"],
                                        options: .init(destination: "/opt", workdir: "/", extractArchives: true),
                                        existing: { _ in nil })
        #expect(plan.map(\.0.path) == ["opt", "opt/x", "opt/x/y"])
    }

    @Test func dockerignoreDropsFiles() throws {
        let ctx = try context([
            (TarEntry(path: ".dockerignore", type: .file), Array("*.log\nDockerfile\n".utf8)),
            (TarEntry(path: "Dockerfile", type: .file), []),
            (TarEntry(path: "a.log", type: .file), []),
            (TarEntry(path: "b.txt", type: .file), []),
        ])
        #expect(Set(ctx.files.keys) == [".dockerignore", "Dockerfile", "b.txt"])
    }

    @Test func repositoriesFile() {
        let repos = SaveFormat.repositories([("bb:latest", "sha256:abc"), ("host:5000/x/y:1", "sha256:def")])
        #expect(repos == ["bb": ["latest": "abc"], "host:5000/x/y": ["1": "def"]])
    }
}

/// dockerd's legacy builder drops `.dockerignore` and the Dockerfile from the context when `.dockerignore` lists them.
@Suite struct BuildContextControlFileTests {
    @Test func listedControlFilesLeave() throws {
        var ctx = try BuildContext(tar: TarWriter.archive([
            (TarEntry(path: ".dockerignore", type: .file), Array(".dockerignore\n.dockerfile.ab12\n".utf8)),
            (TarEntry(path: ".dockerfile.ab12", type: .file), Array("FROM bb\n".utf8)),
            (TarEntry(path: "file.txt", type: .file), [1]),
        ]), dockerfile: ".dockerfile.ab12")
        #expect(ctx.files[".dockerfile.ab12"] != nil)  // kept until the Dockerfile has been read
        ctx.dropIgnoredControlFiles(dockerfile: ".dockerfile.ab12")
        #expect(ctx.files.keys.sorted() == ["file.txt"])
    }

    @Test func unlistedControlFilesStay() throws {
        var ctx = try BuildContext(tar: TarWriter.archive([
            (TarEntry(path: ".dockerignore", type: .file), Array("*.log\n".utf8)),
            (TarEntry(path: "Dockerfile", type: .file), []),
            (TarEntry(path: "a.log", type: .file), []),
        ]))
        ctx.dropIgnoredControlFiles(dockerfile: "Dockerfile")
        #expect(ctx.files.keys.sorted() == [".dockerignore", "Dockerfile"])
    }
}
