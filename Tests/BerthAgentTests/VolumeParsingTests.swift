@testable import BerthAgent
import Testing

@Suite struct VolumeParsingTests {
    @Test func bindsOfNamedVolumesAndHostPaths() throws {
        let named = try MountParser.parseBind("data:/srv/data:ro")
        #expect(named.source == .volume("data") && named.destination == "/srv/data" && named.readOnly)
        let bind = try MountParser.parseBind("/tmp/x/:/backup")
        #expect(bind.source == .bind("/tmp/x") && bind.destination == "/backup" && !bind.readOnly && bind.createSource)
        #expect(try MountParser.parseBind("v1:/a:nocopy").noCopy)
    }

    @Test func badBinds() {
        #expect(throws: VolumeError.self) { try MountParser.parseBind("/only") }
        #expect(throws: VolumeError.self) { try MountParser.parseBind("data:relative") }
        #expect(throws: VolumeError.self) { try MountParser.parseBind("data:/a:bogus") }
        #expect(throws: VolumeError.self) { try MountParser.parseBind("da ta:/a") }
        #expect(throws: VolumeError.self) { try MountParser.parseBind("data:/") }
    }

    @Test func mountEntries() throws {
        let bind = try MountParser.parseMount(MountRequest(type: "bind", source: "/etc", target: "/host-etc", readOnly: true))
        #expect(bind.source == .bind("/etc") && bind.readOnly && !bind.createSource)
        let anonymous = try MountParser.parseMount(MountRequest(type: "volume", source: nil, target: "/cache"))
        #expect(anonymous.source == .volume(nil))
        #expect(throws: VolumeError.self) { try MountParser.parseMount(MountRequest(type: "tmpfs", source: nil, target: "/t")) }
        #expect(throws: VolumeError.self) { try MountParser.parseMount(MountRequest(type: "bind", source: "rel", target: "/t")) }
    }

    @Test func volumesFrom() throws {
        #expect(try MountParser.parseVolumesFrom("vc").readOnly == nil)
        #expect(try MountParser.parseVolumesFrom("vc:ro").readOnly == true)
        #expect(try MountParser.parseVolumesFrom("vc:rw").readOnly == false)
        #expect(throws: APIError.self) { try MountParser.parseVolumesFrom("vc:xx") }
    }

    @Test func cleanPaths() {
        #expect(MountParser.clean("/a//b/./c/../d/") == "/a/b/d")
        #expect(MountParser.clean("/../x") == "/x")
    }

    @Test func filters() throws {
        let v = Volume(CreatedAt: "", Driver: "local", Labels: ["env": "prod", "tier": ""], Mountpoint: "/m", Name: "web-data",
                       Options: [:])
        #expect(try VolumeFilters(json: #"{"name":{"web":true}}"#).matches(v, inUse: false))
        #expect(try !VolumeFilters(json: #"{"name":{"db":true}}"#).matches(v, inUse: false))
        #expect(try VolumeFilters(json: #"{"label":{"env=prod":true,"tier":true}}"#).matches(v, inUse: false))
        #expect(try !VolumeFilters(json: #"{"label":{"env=dev":true}}"#).matches(v, inUse: false))
        #expect(try VolumeFilters(json: #"{"dangling":{"true":true}}"#).matches(v, inUse: false))
        #expect(try !VolumeFilters(json: #"{"dangling":{"true":true}}"#).matches(v, inUse: true))
        #expect(try VolumeFilters(json: #"{"driver":["local"]}"#).matches(v, inUse: true))
        #expect(try VolumeFilters(json: #"{"all":{"true":true}}"#).all)
        #expect(throws: APIError.self) { try VolumeFilters(json: #"{"colour":{"x":true}}"#) }
    }

    @Test func volumeNames() {
        #expect(VolumeStore.validName("ab") && VolumeStore.validName("a.b-c_d"))
        #expect(!VolumeStore.validName("a") && !VolumeStore.validName("-ab") && !VolumeStore.validName(".x"))
    }
}
