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
        let tmpfs = try MountParser.parseMount(MountRequest(type: "tmpfs", source: nil, target: "/t"))
        #expect(tmpfs.source == .tmpfs("noexec,nosuid,nodev") && tmpfs.destination == "/t")
        var sized = MountRequest(type: "tmpfs", source: nil, target: "/s")
        sized.TmpfsOptions = .init(SizeBytes: 2_097_152, Mode: 0o1777)
        #expect(try MountParser.parseMount(sized).source == .tmpfs("noexec,nosuid,nodev,size=2097152,mode=1777"))
        #expect(throws: VolumeError.self) { try MountParser.parseMount(MountRequest(type: "tmpfs", source: "x", target: "/t")) }
        #expect(throws: VolumeError.self) { try MountParser.parseMount(MountRequest(type: "npipe", source: nil, target: "/t")) }
        #expect(throws: VolumeError.self) { try MountParser.parseMount(MountRequest(type: "bind", source: "rel", target: "/t")) }
    }

    /// Bind propagation: rprivate unless one mode word says otherwise; two words, or one on a volume, are refused.
    @Test func propagation() throws {
        #expect(try MountParser.parseBind("/srv:/x").propagation == "rprivate")
        #expect(try MountParser.parseBind("/srv:/x:ro,rslave").propagation == "rslave")
        #expect(try MountParser.parseBind("data:/x").propagation == "")
        #expect(throws: VolumeError.self) { try MountParser.parseBind("/srv:/x:rslave,rshared") }
        #expect(throws: (any Error).self) { try MountParser.parseBind("data:/x:rshared") }
        var m = MountRequest(type: "bind", source: "/srv", target: "/x")
        m.BindOptions = .init(Propagation: "rshared", CreateMountpoint: nil)
        #expect(try MountParser.parseMount(m).propagation == "rshared")
        m.BindOptions = .init(Propagation: "sideways", CreateMountpoint: nil)
        #expect(throws: VolumeError.self) { try MountParser.parseMount(m) }
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
