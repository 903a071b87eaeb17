import Testing
@testable import BerthCore

@Suite struct LsTests {
    static let entries: [MachineListEntry] = [
        MachineListEntry(name: "lab10", driverName: "generic", state: "Stopped", responseTime: 0.0021,
                         labels: ["env=prod"]),
        MachineListEntry(name: "lab1", activeMark: "*", driverName: "lab", state: "Running",
                         url: "tcp://10.20.0.11:2376", dockerVersion: "v28.2.0", responseTime: 0.0123,
                         labels: ["env=dev", "rack=a"]),
        MachineListEntry(name: "Lab2", driverName: "lab", state: "Running", url: "tcp://10.20.0.12:2376",
                         error: "Unable to query docker version: connection refused", responseTime: 1.5004),
        .timedOut(name: "lab3", driverName: "generic", timeout: 10),
    ]

    @Test func defaultTableMatchesGolden() throws {
        let out = try LsFormatter().render(LsTests.entries)
        #expect(out == (try GoldenFile.expected("ls-default.txt", actual: out)))
    }

    @Test func defaultTableHeaderAndOrder() throws {
        let lines = try LsFormatter().render(LsTests.entries).split(separator: "\n").map(String.init)
        #expect(lines[0] == "NAME    ACTIVE   DRIVER    STATE     URL                     SWARM   DOCKER    ERRORS")
        #expect(lines.map { String($0.prefix(6)) } == ["NAME  ", "lab1  ", "Lab2  ", "lab3  ", "lab10 "])
        // A timed-out row shows only its name, driver and state.
        #expect(lines[3] == "lab3" + String(repeating: " ", count: 4 + 9) + "generic   Timeout"
                + String(repeating: " ", count: 3 + 24 + 8 + 10))
    }

    @Test func quietPrintsNamesInOrderAndIgnoresFormat() throws {
        let out = try LsFormatter(format: "{{ broken", quiet: true).render(LsTests.entries)
        #expect(out == "lab1\nLab2\nlab3\nlab10\n")
    }

    @Test func plainFormatHasNoHeader() throws {
        let out = try LsFormatter(format: "{{.Name}}: {{.State}} {{.ResponseTime}}").render(LsTests.entries)
        #expect(out == "lab1: Running 12ms\nLab2: Running 1.5s\nlab3: Timeout 10s\nlab10: Stopped 2ms\n")
    }

    @Test func tableFormatAddsHeadersAndEscapes() throws {
        let out = try LsFormatter(format: #"table {{.Name}}\t{{.DockerVersion}}\t{{.ResponseTime}}\t{{.Nope}}"#)
            .render(Array(LsTests.entries.prefix(2)))
        #expect(out == "NAME    DOCKER    RESPONSE   <no value>\n"
                + "lab1    v28.2.0   12ms       <no value>\n"
                + "lab10   Unknown   2ms        <no value>\n")
    }

    @Test func formatSeesDockerMachineFields() throws {
        let out = try LsFormatter(format: "{{.Name}} {{.ActiveHost}} {{.Active}} {{json .Labels}}")
            .render([LsTests.entries[1]])
        #expect(out == #"lab1 true * ["env=dev","rack=a"]"# + "\n")
    }

    @Test func badFormatIsAParseError() {
        #expect(throws: GoTemplate.Error.self) { try LsFormatter(format: "{{.Name") }
    }

    @Test func activeMark() {
        #expect(MachineListEntry.activeMark(state: "Running", url: "tcp://1.2.3.4:2376",
                                            dockerHost: "tcp://1.2.3.4:2376") == "*")
        #expect(MachineListEntry.activeMark(state: "Stopped", url: "tcp://1.2.3.4:2376",
                                            dockerHost: "tcp://1.2.3.4:2376") == "-")
        #expect(MachineListEntry.activeMark(state: "Running", url: "tcp://1.2.3.4:2376", dockerHost: nil) == "-")
        #expect(MachineListEntry.activeMark(state: "Running", url: "", dockerHost: "") == "-")
    }

    @Test func dockerVersionLabel() {
        #expect(MachineListEntry.dockerVersionLabel("28.2.0") == "v28.2.0")
        #expect(MachineListEntry.dockerVersionLabel(nil) == "Unknown")
        #expect(MachineListEntry.dockerVersionLabel("") == "Unknown")
    }

    @Test(arguments: [
        (Int64(0), "0s"), (999, "999ns"), (1_500, "1.5µs"), (1_234_567, "1.234567ms"), (12_000_000, "12ms"),
        (1_500_000_000, "1.5s"), (62_500_000_000, "1m2.5s"), (3_600_000_000_000, "1h0m0s"),
        (-2_000_000, "-2ms"), (10_000_000_000, "10s"),
    ])
    func goDurations(nanoseconds: Int64, expected: String) {
        #expect(MachineListEntry.goDuration(nanoseconds: nanoseconds) == expected)
    }

    // MARK: filters

    func names(_ filters: [String]) throws -> [String] {
        try LsFilter(parsing: filters).apply(LsTests.entries).map(\.name)
    }

    @Test(arguments: [
        ([], ["lab10", "lab1", "Lab2", "lab3"]),
        (["driver=lab"], ["lab1", "Lab2"]),
        (["DRIVER=LAB"], ["lab1", "Lab2"]),
        (["driver=lab", "driver=generic"], ["lab10", "lab1", "Lab2", "lab3"]),
        (["state=running"], ["lab1", "Lab2"]),
        (["state=Timeout", "driver=generic"], ["lab3"]),
        (["name=lab1"], ["lab10", "lab1"]),
        (["name=^lab1$"], ["lab1"]),
        (["name=b[23]"], ["Lab2", "lab3"]),
        (["name=^lab1$", "name=3"], ["lab1", "lab3"]),
        (["label=env=prod"], ["lab10"]),
        (["label=env=DEV"], ["lab1"]),
        (["label=env=dev", "label=env=prod"], ["lab10", "lab1"]),
        (["label=rack"], ["lab1"]),
        (["label=env=dev", "state=Stopped"], []),
    ] as [([String], [String])])
    func filters(filters: [String], expected: [String]) throws {
        #expect(try names(filters) == expected)
    }

    @Test(arguments: [
        ("color=red", "Unsupported filter key 'color'"),
        ("Colour=red", "Unsupported filter key 'colour'"),
        ("driver", "Unsupported filter syntax"),
        ("name=(", "error parsing regexp: invalid name filter `(`"),
    ])
    func filterErrors(filter: String, message: String) {
        #expect {
            try LsFilter(parsing: [filter])
        } throws: { error in
            (error as? BerthError) == .invalidArgument(message)
        }
    }

    @Test func filterFlags() throws {
        #expect(try LsFilter(parsing: []).isEmpty)
        #expect(try LsFilter(parsing: ["state=Running"]).needsState)
        #expect(try !LsFilter(parsing: ["name=x"]).needsState)
        #expect(try LsFilter(parsing: ["name=^lab"]).matches(name: "lab7", driverName: "x", state: nil, labels: []))
        #expect(try !LsFilter(parsing: ["state=Running"]).matches(name: "lab7", driverName: "x", state: nil, labels: []))
    }
}
