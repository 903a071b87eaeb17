import BerthCluster
import Testing

@Suite("Cluster file parser")
struct ClusterFileParserTests {
    static let parser = ClusterFileParser(knownDrivers: ["generic", "lab"], environment: ["TAR": "/srv/bb.tar", "EMPTY": ""])

    static func parse(_ text: String) throws -> ClusterSpec {
        try parser.parse(text, file: "lab.yml", baseDirectory: "/work/x")
    }

    /// The error a text gives, as the CLI prints it.
    static func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static let full = """
        name: demo
        machines:
          web[1:3]:
            driver: lab
            options: {lab-network: bt, lab-subnet: 10.213.1.0/24}
            engine:
              port: 2377
              labels: {role: web}
              env: [A=b]
          db:
            driver: generic
            options:
              generic-ip-address: 10.0.0.5
              generic-ssh-port: 2222
        store:
          etcd: web[1:3]
        networks:
          ov1: {driver: overlay, subnet: 10.0.9.0/24, gateway: 10.0.9.1}
          fl: {driver: flannel, network: 10.5.0.0/16, backend: host-gw, vni: 7}
          mv: {driver: macvlan, parent: eth0, subnet: 172.31.1.0/24, machines: [web1, db]}
          back: {machines: db, internal: true, labels: [tier=back]}
        volumes:
          data: {machines: [db]}
        images:
          busybox: {import: "${TAR}", change: 'CMD ["sh"]'}
          site:
            build: ./site
            machines: web1
        containers:
          vc: {machine: web1, image: site, start: false}
          web:
            machine: web1
            image: busybox
            command: httpd -f -p 80 -h '/srv/my site'
            volumes-from: [vc]
            networks: [ov1, mv]
            ports: ["8080:80"]
            restart: on-failure:3
            env: {GREETING: "$$HOME ${UNSET:-fallback}"}
        """

    @Test func aCompleteFile() throws {
        let spec = try Self.parse(Self.full)
        #expect(spec.name == "demo")
        #expect(spec.machines.map(\.name) == ["web1", "web2", "web3", "db"])
        #expect(spec.machines[0].options == ["lab-network": "bt", "lab-subnet": "10.213.1.0/24"])
        #expect(spec.machines[0].engine == EngineSpec(port: 2377, labels: ["role=web"], env: ["A=b"]))
        #expect(spec.machines[3].options["generic-ssh-port"] == "2222")
        #expect(spec.machines[1].mark == SourceMark(line: 3, column: 3))
        #expect(spec.store?.etcd == ["web1", "web2", "web3"])
        #expect(spec.networks.map(\.kind) == [.overlay, .flannel, .macvlan, .bridge])
        #expect(spec.networks[0].machines == ["web1", "web2", "web3", "db"])
        #expect(spec.networks[1].flannel == FlannelSpec(network: "10.5.0.0/16", backend: "host-gw", vni: 7))
        #expect(spec.networks[2].options == ["parent": "eth0"])
        #expect(spec.networks[3].internal && spec.networks[3].labels == ["tier": "back"] && spec.networks[3].machines == ["db"])
        #expect(spec.images[0].source == .importTar(path: "/srv/bb.tar", changes: ["CMD [\"sh\"]"]))
        #expect(spec.images[1].source == .build(context: "/work/x/site", dockerfile: nil))
        #expect(spec.images[1].machines == ["web1"])
        let web = spec.containers[1]
        #expect(web.command == ["httpd", "-f", "-p", "80", "-h", "/srv/my site"])
        #expect(web.networks == ["ov1", "mv"] && web.volumesFrom == ["vc"] && web.restart == "on-failure:3")
        #expect(web.env == ["GREETING=$HOME fallback"])
        #expect(!spec.containers[0].start && web.start)
    }

    @Test func rangesKeepPaddingAndTheNameDefaultsToTheFile() throws {
        let spec = try Self.parser.parse("machines:\n  n[08:10]: {driver: lab}\n", file: "/x/my-lab.yaml", baseDirectory: "/x")
        #expect(spec.machines.map(\.name) == ["n08", "n09", "n10"])
        #expect(spec.name == "my-lab")
    }

    @Test(arguments: [
        ("machines:\n  a: {driver: lab\n", "lab.yml:3:1: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping at line 2, column 6)"),
        ("", "lab.yml: empty cluster file"),
        ("- a\n", "lab.yml:1:1: a cluster file is a mapping (machines:, networks:, ...), found a sequence"),
        ("machnes: {}\n", "lab.yml:1:1: unknown key \"machnes\" at the top level (known: version, name, machines, store, networks, volumes, images, containers)"),
        ("name: x\n", "lab.yml:1:1: no machines: a cluster file names at least one machine"),
        ("machines:\n  a: {driver: vbox}\n", "lab.yml:2:15: machines.a.driver: unknown driver \"vbox\" (known: generic, lab)"),
        ("machines:\n  a: {driver: lab, optons: {}}\n", "lab.yml:2:20: machines.a: unknown key \"optons\" (known: driver, options, engine)"),
        ("machines:\n  a: {driver: lab, options: [x]}\n", "lab.yml:2:29: machines.a.options: expected a mapping, found a sequence"),
        ("machines:\n  a: {driver: lab, engine: {port: high}}\n", "lab.yml:2:35: machines.a.engine.port: expected a number, found \"high\""),
        ("machines:\n  a[3:1]: {driver: lab}\n", "lab.yml:2:3: machines.a[3:1]: invalid range \"a[3:1]\": 3 is after 1"),
        ("machines:\n  a[1:2]: {driver: lab}\n  a2: {driver: lab}\n", "lab.yml:3:3: machines.a2: machine a2 is named twice"),
        ("machines:\n  _a: {driver: lab}\n", "lab.yml:2:3: machines._a: invalid machine name \"_a\": allowed characters are 0-9 a-z A-Z . - and it must start with a letter or digit"),
        ("machines:\n  a: {driver: lab}\nnetworks:\n  n: {machines: [a, b]}\n", "lab.yml:4:21: networks.n.machines: \"b\" is not a machine of this file"),
        ("machines:\n  a: {driver: lab}\nnetworks:\n  n: {driver: overlay}\n", "lab.yml:4:3: networks.n: an overlay network needs the cluster store: add store: {etcd: [MACHINE]}"),
        ("machines:\n  a: {driver: lab}\nstore: {etcd: [a]}\nnetworks:\n  f: {driver: flannel, network: 10.1.0.0/16}\n  g: {driver: flannel, network: 10.2.0.0/16}\n",
         "lab.yml:6:3: networks.g: a second flannel network: the cluster store holds one (f)"),
        ("machines:\n  a: {driver: lab}\nnetworks:\n  n: {subnet: 10.0.0.0/33}\n", "lab.yml:4:15: networks.n.subnet: invalid CIDR \"10.0.0.0/33\""),
        ("machines:\n  a: {driver: lab}\nnetworks:\n  n: {subnet: 10.0.0.0/24, gateway: 10.0.1.1}\n", "lab.yml:4:37: networks.n.gateway: 10.0.1.1 is not in subnet 10.0.0.0/24"),
        ("machines:\n  a: {driver: lab}\nnetworks:\n  n: {driver: macvlan}\n", "lab.yml:4:3: networks.n: a macvlan network needs a parent (parent: eth0)"),
        ("machines:\n  a: {driver: lab}\n  b: {driver: lab}\nnetworks:\n  n: {machines: [a]}\ncontainers:\n  c: {machine: b, image: x, networks: [n]}\n",
         "lab.yml:7:39: containers.c.networks[0]: network n is not on b (its machines: a)"),
        ("machines:\n  a: {driver: lab}\nimages:\n  bb: {import: \"${NOPE}\"}\n", "lab.yml:4:16: images.bb.import: ${NOPE} is not set"),
        ("machines:\n  a: {driver: lab}\nimages:\n  bb: {}\n", "lab.yml:4:3: images.bb: no source: import: FILE.tar or build: DIRECTORY"),
        ("machines:\n  a: {driver: lab}\ncontainers:\n  c: {machine: a, image: x, restart: sometimes}\n",
         "lab.yml:4:38: containers.c.restart: invalid restart policy \"sometimes\" (no, always, unless-stopped, on-failure[:N])"),
        ("machines:\n  a: {driver: lab}\ncontainers:\n  c: {machine: a, image: x, volumes-from: [d]}\n",
         "lab.yml:4:43: containers.c.volumes-from: \"d\" is not a container of this file on a"),
        ("machines:\n  a: {driver: lab}\nstore: {etcd: [a, a2]}\n", "lab.yml:3:19: store.etcd: \"a2\" is not a machine of this file"),
    ])
    func badInputIsOneLineWithItsPlace(text: String, expected: String) {
        #expect(Self.error(text) == expected)
    }
}
