import BerthCluster
import Testing

@Suite("Apply planner")
struct PlannerTests {
    static let spec = ClusterSpec(
        name: "lab",
        machines: ["lab1", "lab2"].map { MachineSpec(name: $0, driver: "lab", options: ["lab-network": "bt"]) },
        store: StoreSpec(etcd: ["lab1"]),
        networks: [NetworkSpec(name: "ov1", kind: .overlay, machines: ["lab1", "lab2"], subnet: "10.0.9.0/24"),
                   NetworkSpec(name: "fl", kind: .flannel, machines: ["lab1", "lab2"],
                               flannel: FlannelSpec(network: "10.5.0.0/16")),
                   NetworkSpec(name: "site", kind: .bridge, machines: ["lab1"])],
        volumes: [VolumeSpec(name: "data", machines: ["lab2"])],
        images: [ImageSpec(name: "busybox", source: .importTar(path: "/bb.tar", changes: []), machines: ["lab1", "lab2"])],
        containers: [ContainerSpec(name: "web", machine: "lab1", image: "busybox", networks: ["ov1"], volumesFrom: ["vc"]),
                     ContainerSpec(name: "vc", machine: "lab1", image: "busybox", start: false)])

    /// Everything the spec names, as it looks once applied.
    static func applied() -> (ObservedCluster, ClusterLedger) {
        var ledger = ClusterLedger(name: "lab", file: "lab.yml")
        for s in Planner.plan(spec, observed: ObservedCluster(), ledger: ledger).steps { ledger.record(s.action) }
        let ov = ObservedNetwork(id: "o1", name: "ov1", driver: "overlay", scope: "global", subnet: "10.0.9.0/24", vni: 4096)
        let m1 = ObservedMachine(name: "lab1", driver: "lab", state: "Running", address: "10.1.0.2",
                                 networks: [ov, ObservedNetwork(id: "b1", name: "site", driver: "bridge", subnet: "172.18.0.0/16")],
                                 images: ["busybox:latest"],
                                 containers: [ObservedContainer(id: "c1", name: "web", image: "busybox", state: "running",
                                                                networks: ["ov1": "10.0.9.2"]),
                                              ObservedContainer(id: "c2", name: "vc", image: "busybox", state: "created")])
        let m2 = ObservedMachine(name: "lab2", driver: "lab", state: "Running", address: "10.1.0.3", networks: [ov],
                                 volumes: [ObservedVolume(name: "data")], images: ["busybox:latest"])
        return (ObservedCluster(machines: [m1, m2], store: ObservedStore(members: ["lab1"], clientURLs: []),
                                flannel: ObservedFlannel(network: "10.5.0.0/16", backend: "vxlan",
                                                         leases: ["lab1": "10.5.1.0/24", "lab2": "10.5.2.0/24"])),
                ledger)
    }

    @Test func fromNothingEverythingInDependencyOrder() {
        let plan = Planner.plan(Self.spec, observed: ObservedCluster(), ledger: ClusterLedger(name: "lab", file: "f"))
        #expect(plan.clashes.isEmpty && plan.drift.isEmpty)
        #expect(plan.steps.map(\.description) == [
            "create machine lab1 (lab)", "create machine lab2 (lab)",
            "create the etcd store on lab1",
            "create flannel network fl (10.5.0.0/16, vxlan) on lab1, lab2",
            "import image busybox on lab1 from /bb.tar", "import image busybox on lab2 from /bb.tar",
            "create network ov1 (overlay 10.0.9.0/24) through lab1", "create network site (bridge) on lab1",
            "create volume data on lab2",
            "create container vc on lab1 (busybox)", "run container web on lab1 (busybox)",
        ])
        #expect(plan.steps.map(\.phase) == plan.steps.map(\.phase).sorted())
    }

    @Test func secondApplyChangesNothing() {
        let (observed, ledger) = Self.applied()
        let plan = Planner.plan(Self.spec, observed: observed, ledger: ledger)
        #expect(plan.isEmpty && plan.drift.isEmpty && plan.clashes.isEmpty && plan.leftovers.isEmpty, "\(plan)")
        #expect(plan.render().contains("nothing to do"))
    }

    @Test func stoppedThingsStartAndMissingOnesComeBack() {
        var (observed, ledger) = Self.applied()
        observed.machines[1].state = "Stopped"
        observed.machines[0].containers[0].state = "exited"
        observed.machines[0].networks.removeAll { $0.name == "site" }
        observed.flannel?.leases["lab2"] = nil
        let plan = Planner.plan(Self.spec, observed: observed, ledger: ledger)
        #expect(plan.steps.map(\.description) == ["start machine lab2", "join flannel on lab2",
                                                  "create network site (bridge) on lab1", "start container web on lab1"])
        _ = ledger
    }

    @Test func driftIsReportedNotChanged() {
        var (observed, ledger) = Self.applied()
        observed.machines[0].networks[1].subnet = "172.30.0.0/16"
        var spec = Self.spec
        spec.networks[2].subnet = "172.18.0.0/16"
        observed.machines[0].containers[0].image = "other"
        observed.flannel?.network = "10.6.0.0/16"
        let plan = Planner.plan(spec, observed: observed, ledger: ledger)
        #expect(plan.isEmpty)
        #expect(plan.drift.map(\.description) == [
            "flannel network fl: network 10.5.0.0/16 in the file, 10.6.0.0/16 in the store",
            "network site on lab1: subnet 172.18.0.0/16 in the file, 172.30.0.0/16 on the machine",
            "container web on lab1: image busybox in the file, other running",
        ])
        _ = ledger
    }

    @Test func somethingMadeOutsideTheFileClashesUnlessAdopted() {
        let (observed, _) = Self.applied()
        let empty = ClusterLedger(name: "lab", file: "f")
        let plan = Planner.plan(Self.spec, observed: observed, ledger: empty)
        #expect(plan.clashes.map(\.subject) == ["machine lab1", "machine lab2", "network ov1", "network site on lab1",
                                                 "volume data on lab2", "container vc on lab1", "container web on lab1"])
        #expect(plan.clashes[0].difference == "exists and was not made by this file (berth apply --adopt takes it over)")
        let adopted = Planner.plan(Self.spec, observed: observed, ledger: empty, options: .init(adopt: true))
        #expect(adopted.clashes.isEmpty)
        #expect(adopted.steps.allSatisfy { if case .adopt = $0.action { return true } else { return false } })
        var ledger = empty
        for s in adopted.steps { ledger.record(s.action) }
        #expect(Planner.plan(Self.spec, observed: observed, ledger: ledger).isEmpty)
    }

    @Test func pruneRemovesWhatTheFileNoLongerNames() {
        let (observed, ledger) = Self.applied()
        var spec = Self.spec
        spec.containers.removeAll { $0.name == "web" }
        spec.volumes = []
        spec.machines.removeAll { $0.name == "lab2" }
        for i in spec.networks.indices { spec.networks[i].machines = ["lab1"] }
        spec.images[0].machines = ["lab1"]
        let kept = Planner.plan(spec, observed: observed, ledger: ledger)
        #expect(kept.steps.isEmpty)
        #expect(kept.leftovers == ["container web on lab1", "volume data on lab2", "image busybox on lab2", "machine lab2"])
        let pruned = Planner.plan(spec, observed: observed, ledger: ledger, options: .init(prune: true))
        #expect(pruned.steps.map(\.description) == ["remove container web on lab1", "remove volume data on lab2",
                                                    "remove image busybox on lab2"])
        #expect(pruned.leftovers == ["machine lab2 (--prune-machines removes machines)"])
        let all = Planner.plan(spec, observed: observed, ledger: ledger, options: .init(prune: true, pruneMachines: true))
        #expect(all.steps.map(\.description) == ["remove container web on lab1", "remove machine lab2"])
    }

    @Test func destroyTakesAwayWhatTheLedgerHoldsInReverse() {
        let (_, ledger) = Self.applied()
        let plan = Planner.destroy(ledger: ledger, observed: ObservedCluster())
        #expect(plan.steps.map(\.description) == [
            "remove container vc on lab1", "remove container web on lab1", "remove network ov1",
            "remove the flannel network", "remove the etcd store", "remove machine lab1", "remove machine lab2",
        ])
    }

    @Test func imageNamesCompareAsDockerNormalisesThem() {
        #expect(Planner.normalized("busybox") == "busybox:latest")
        #expect(Planner.normalized("docker.io/library/busybox:1.36") == "busybox:1.36")
        #expect(Planner.normalized("localhost:5000/site") == "localhost:5000/site:latest")
    }

    @Test func enginesBodiesAsTheCLIBuildsThem() throws {
        #expect(try EngineBodies.port("8080:80").key == "80/tcp")
        #expect(try EngineBodies.port("127.0.0.1:53:53/udp").host == ["HostIp": "127.0.0.1", "HostPort": "53"])
        #expect(throws: EngineBodies.BadValue.self) { try EngineBodies.port("80:99999") }
        #expect(try EngineBodies.restart("on-failure:3")["MaximumRetryCount"] as? Int == 3)
        #expect(throws: EngineBodies.BadValue.self) { try EngineBodies.restart("sometimes") }
        let body = try EngineBodies.container(Self.spec.containers[0], cluster: "lab")
        let host = body["HostConfig"] as? [String: Any]
        #expect(host?["NetworkMode"] as? String == "ov1")
        #expect(host?["VolumesFrom"] as? [String] == ["vc"])
        #expect((body["Labels"] as? [String: String])?[EngineBodies.clusterLabel] == "lab")
    }
}
