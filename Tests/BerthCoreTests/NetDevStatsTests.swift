import BerthCore
import Testing

@Suite struct NetDevStatsTests {
    @Test func readsEveryInterfaceButLoopback() {
        let text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:     140       2    0    0    0     0          0         0      140       2    0    0    0     0       0          0
              eth0:    1296      15    1    2    0     0          0         0      866      10    3    4    0     0       0          0
            """
        let stats = InterfaceCounters.parse(netDev: text)
        #expect(stats == ["eth0": InterfaceCounters(rx_bytes: 1296, rx_packets: 15, rx_errors: 1, rx_dropped: 2,
                                                    tx_bytes: 866, tx_packets: 10, tx_errors: 3, tx_dropped: 4)])
        #expect(InterfaceCounters.parse(netDev: text.split(separator: "\n").prefix(3).joined(separator: "\n")) == nil)
    }
}
