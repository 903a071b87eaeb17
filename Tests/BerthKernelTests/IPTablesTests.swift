import BerthKernel
import Testing

@Suite struct IPTablesTests {
    @Test func restoreInputGroupsByTableInOrder() {
        let rules = [
            ["-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "8080", "-j", "DNAT", "--to-destination",
             "172.18.0.2:80", "-m", "comment", "--comment", "berth"],
            ["-t", "filter", "-A", "FORWARD", "-i", "br-1", "-o", "br-1", "-j", "ACCEPT"],
            ["-t", "nat", "-D", "OUTPUT", "-m", "comment", "--comment", "two words"],
        ]
        #expect(IPTables.restoreInput(rules) == """
            *nat
            -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80 -m comment --comment berth
            -D OUTPUT -m comment --comment "two words"
            COMMIT
            *filter
            -A FORWARD -i br-1 -o br-1 -j ACCEPT
            COMMIT

            """)
    }
}
