import Testing
@testable import BerthCore

@Suite struct DockerConfigFlagsTests {
    @Test func printsDockerMachinesLines() {
        let out = DockerConfigFlags.render(certDirectory: "/root/.berth/machines/lab1",
                                           dockerURL: "tcp://10.20.0.11:2376")
        #expect(out == """
            --tlsverify
            --tlscacert="/root/.berth/machines/lab1/ca.pem"
            --tlscert="/root/.berth/machines/lab1/cert.pem"
            --tlskey="/root/.berth/machines/lab1/key.pem"
            -H=tcp://10.20.0.11:2376

            """)
    }

    @Test func quotesPathsLikeGo() {
        let lines = DockerConfigFlags.lines(certDirectory: "/tmp/a \"b\"/", dockerURL: "tcp://1.2.3.4:2376")
        #expect(lines[1] == #"--tlscacert="/tmp/a \"b\"/ca.pem""#)
    }
}
