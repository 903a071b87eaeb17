@testable import BerthAgent
import Testing

/// Legacy links as dockerd makes them: the names, the stored form, and the variables.
@Suite("legacy links")
struct LinkTests {
    @Test func parsesTheCLIsAndDockerdsForms() {
        #expect(ContainerStore.parseLink("db") == ("db", "db"))
        #expect(ContainerStore.parseLink("db:alias") == ("db", "alias"))
        #expect(ContainerStore.parseLink("/db:/web/alias") == ("db", "alias"))
    }

    @Test func variables() {
        let env = ContainerStore.linkEnvironment(alias: "my-db", fullName: "/web/my-db", address: "172.17.0.2",
                                                 ports: ["5432/tcp", "53/udp", "80"],
                                                 env: ["PATH=/bin", "HOME=/root", "PW=x=y"])
        #expect(env == [
            "MY_DB_PORT=udp://172.17.0.2:53",
            "MY_DB_PORT_53_UDP=udp://172.17.0.2:53", "MY_DB_PORT_53_UDP_ADDR=172.17.0.2", "MY_DB_PORT_53_UDP_PORT=53",
            "MY_DB_PORT_53_UDP_PROTO=udp",
            "MY_DB_PORT_80_TCP=tcp://172.17.0.2:80", "MY_DB_PORT_80_TCP_ADDR=172.17.0.2", "MY_DB_PORT_80_TCP_PORT=80",
            "MY_DB_PORT_80_TCP_PROTO=tcp",
            "MY_DB_PORT_5432_TCP=tcp://172.17.0.2:5432", "MY_DB_PORT_5432_TCP_ADDR=172.17.0.2",
            "MY_DB_PORT_5432_TCP_PORT=5432", "MY_DB_PORT_5432_TCP_PROTO=tcp",
            "MY_DB_NAME=/web/my-db", "MY_DB_ENV_PW=x=y",
        ])
    }
}
