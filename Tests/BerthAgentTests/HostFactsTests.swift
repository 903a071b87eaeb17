@testable import BerthAgent
import Testing

@Suite("Host facts")
struct HostFactsTests {
    @Test func memTotalIsInBytes() {
        let meminfo = "MemTotal:       24684128 kB\nMemFree:        23373604 kB\n"
        let expected: Int64 = 24_684_128 * 1024
        #expect(HostFacts.memTotal(meminfo: meminfo) == expected)
        #expect(HostFacts.memTotal(meminfo: "nothing") == nil)
    }

    @Test func osReleaseUnquotes() {
        let text = """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME='Debian'
            # comment
            VERSION_ID="12"
            ID=debian
            QUOTED="say \\"hi\\""
            """
        let values = HostFacts.osRelease(text)
        #expect(values["PRETTY_NAME"] == "Debian GNU/Linux 12 (bookworm)")
        #expect(values["NAME"] == "Debian")
        #expect(values["VERSION_ID"] == "12")
        #expect(values["ID"] == "debian")
        #expect(values["QUOTED"] == "say \"hi\"")
    }

    @Test(arguments: [("x86_64", "amd64"), ("aarch64", "arm64"), ("armv7l", "arm"), ("s390x", "s390x")])
    func machineMapsToGoArch(machine: String, arch: String) {
        let facts = HostFacts(kernelVersion: "", machine: machine, operatingSystem: "", osVersion: "", hostname: "",
                              cpuCount: 1, memoryBytes: 0)
        #expect(facts.goArch == arch)
    }

    @Test func probeReadsThisHost() {
        let facts = HostFacts.probe(hostnameOverride: "override")
        #expect(facts.hostname == "override")
        #expect(!facts.kernelVersion.isEmpty)
        #expect(facts.cpuCount >= 1)
        #expect(facts.memoryBytes > 0)
        #expect(!facts.operatingSystem.isEmpty)
    }

    @Test func timesRenderLikeGo() {
        #expect(RFC3339.format(seconds: 0, nanoseconds: 0) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(seconds: 1_750_000_000, nanoseconds: 120_000_000) == "2025-06-15T15:06:40.12Z")
    }

    @Test(arguments: [("0.1.0-1a2b3c4d", "1a2b3c4d"), ("0.1.0-1a2b3c4d-dirty", "1a2b3c4d"),
                      ("v0.2.0-3-g1a2b3c4", "1a2b3c4"), ("0.1.0-dev", "unknown")])
    func commitComesFromTheVersion(version: String, commit: String) {
        #expect(BuildFacts.commit(in: version) == commit)
    }

    @Test func derivedEngineIDIsStableAndUUIDShaped() {
        let a = EngineIdentity.derivedID(hostname: "h", dataRoot: "/var/lib/berth")
        #expect(a == EngineIdentity.derivedID(hostname: "h", dataRoot: "/var/lib/berth"))
        #expect(a != EngineIdentity.derivedID(hostname: "h", dataRoot: "/srv/berth"))
        #expect(a.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
    }

    @Test func backingFilesystemIsTheLongestMountPrefix() {
        let mounts = """
            overlay / overlay rw,relatime 0 0
            /dev/vda1 /var/lib ext4 rw 0 0
            tmpfs /run tmpfs rw 0 0
            /dev/vdb /srv/my\\040disk xfs rw 0 0
            """
        #expect(FilesystemType.name(at: "/", mounts: mounts) == "overlayfs")
        #expect(FilesystemType.name(at: "/run", mounts: mounts) == "tmpfs")
        #expect(FilesystemType.name(at: "/srv/my disk", mounts: mounts) == "overlayfs")  // does not exist here
        #expect(FilesystemType.name(type: "ext4") == "extfs")
        #expect(FilesystemType.name(at: "/nonexistent/deeper") != "unknown")
    }
}
