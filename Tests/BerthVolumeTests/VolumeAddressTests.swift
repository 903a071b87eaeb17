import BerthCore
import BerthVolume
import Testing

@Suite struct VolumeAddressTests {
    @Test func machineAndVolume() throws {
        #expect(try VolumeAddress.parse("lab1:data") == VolumeAddress(machine: "lab1", volume: "data"))
        #expect(try VolumeAddress.parse("lab2", volumeOptional: true) == VolumeAddress(machine: "lab2", volume: nil))
        #expect(try VolumeAddress.parse("lab2:", volumeOptional: true).volume == nil)
    }

    @Test func badAddresses() {
        #expect(throws: BerthError.self) { try VolumeAddress.parse("lab1") }
        #expect(throws: BerthError.self) { try VolumeAddress.parse(":data") }
        #expect(throws: BerthError.self) { try VolumeAddress.parse("lab1:-bad") }
        #expect(throws: BerthError.self) { try VolumeAddress.parse("lab1:a/b") }
    }

    @Test func markersAreFoundOnTheirOwnLines() {
        let out = "tar: warning\nberth-staging /v/.berth-tmp-1-ab\nberth-sha256 " + String(repeating: "a", count: 64) + "\n"
        #expect(VolumeScripts.value(of: VolumeScripts.stagingMarker, in: out) == "/v/.berth-tmp-1-ab")
        #expect(VolumeScripts.value(of: VolumeScripts.shaMarker, in: out)?.count == 64)
        #expect(VolumeScripts.messages(out) == "tar: warning\nberth-staging /v/.berth-tmp-1-ab")
        #expect(VolumeScripts.value(of: VolumeScripts.sizeMarker, in: out) == nil)
    }

    @Test func scriptsQuotePaths() {
        let script = VolumeScripts.send("/var/lib/berth/volumes/it's/_data")
        #expect(script.contains("'/var/lib/berth/volumes/it'\\''s/_data'"))
        let commit = VolumeScripts.commitNew(staging: "/v/.berth-tmp-1-x", mountpoint: "/v/data/_data")
        #expect(commit == "set -e; rmdir /v/data/_data; mv /v/.berth-tmp-1-x /v/data/_data")
    }
}
