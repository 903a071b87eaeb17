import Foundation
import Testing

/// Single-host networks on lab hosts, driven by the stock docker CLI (issue 7). Every packet stays inside the lab
/// hosts' namespaces: the user network's subnet lives inside net1, the published port is fetched from net2.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct NetworkTests {
    static let machines = ["net1", "net2"]

    @Test func modesUserBridgesPortsAndCleanup() throws {
        let h = Harness("net")
        defer { h.cleanup(Self.machines) }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btnet", "--lab-subnet", "10.213.100.0/24"]
                              + Self.machines)
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-net-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        let d = { (args: [String]) in h.docker("net1", args) }
        let onHost = { (script: String) in h.berth(["ssh", "net1", script]) }
        try #require(d(["import", tar, "bb"]).status == 0)

        // The four modes, as `ip a` / `ip r` show them.
        let none = d(["run", "--rm", "--network", "none", "bb", "ip", "a"])
        #expect(none.status == 0 && none.stdout.contains("lo:") && !none.stdout.contains("eth0"), "\(none)")
        #expect(d(["run", "--rm", "--network", "none", "bb", "ip", "r"]).stdout.isEmpty)

        let bridge = d(["run", "--rm", "bb", "ip", "a"])
        #expect(bridge.stdout.contains("eth0@") && bridge.stdout.contains("inet 172.17.0.2/16"), "\(bridge)")
        #expect(bridge.stdout.contains("link/ether 02:42:ac:11:00:02"))
        let routes = d(["run", "--rm", "bb", "ip", "r"]).stdout
        #expect(routes.contains("default via 172.17.0.1 dev eth0"), "\(routes)")
        #expect(d(["run", "--rm", "bb", "cat", "/etc/hosts"]).stdout.contains("172.17.0.2\t"))

        let host = d(["run", "--rm", "--network", "host", "bb", "ip", "a"])
        #expect(host.stdout.contains("berth0") && host.stdout.contains("10.213.100."), "\(host)")

        #expect(d(["run", "-d", "--name", "b1", "bb", "sleep", "300"]).status == 0)
        let joined = d(["run", "--rm", "--network", "container:b1", "bb", "ip", "a"])
        #expect(joined.stdout.contains("inet 172.17.0.2/16"), "\(joined)")
        let id12 = String(d(["inspect", "-f", "{{.Id}}", "b1"]).stdout.prefix(12))
        #expect(onHost("ip netns").stdout.contains(id12))
        #expect(onHost("ip netns exec \(id12) ip -o addr show eth0").stdout.contains("172.17.0.2/16"))

        // A user bridge: names and aliases resolve, a static address, inspect lists endpoints.
        let net = d(["network", "create", "--subnet", "172.30.0.0/24", "--gateway", "172.30.0.254", "appnet"])
        #expect(net.status == 0, "\(net.stderr)")
        #expect(d(["network", "ls"]).stdout.contains("appnet"))
        #expect(d(["run", "-d", "--name", "a1", "--network", "appnet", "bb", "sleep", "300"]).status == 0)
        #expect(d(["run", "-d", "--name", "a2", "--network", "appnet", "--ip", "172.30.0.50",
                   "--network-alias", "db", "bb", "sleep", "300"]).status == 0)
        let ping = d(["exec", "a1", "ping", "-c", "1", "-W", "2", "a2"])
        #expect(ping.status == 0 && ping.stdout.contains("172.30.0.50"), "\(ping)")
        #expect(d(["exec", "a2", "ping", "-c", "1", "-W", "2", "a1"]).status == 0)
        #expect(d(["exec", "a1", "ping", "-c", "1", "-W", "2", "db"]).status == 0)
        #expect(d(["exec", "b1", "ping", "-c", "1", "-W", "1", "a1"]).status != 0, "default bridge has no DNS")
        let members = d(["network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{.IPv4Address}};{{end}}",
                         "appnet"]).stdout
        #expect(members.contains("a1 172.30.0.1/24") && members.contains("a2 172.30.0.50/24"), "\(members)")
        #expect(d(["inspect", "-f", "{{.NetworkSettings.Networks.appnet.IPAddress}}", "a2"]).stdout == "172.30.0.50\n")

        // connect/disconnect a running container.
        #expect(d(["network", "connect", "appnet", "b1"]).status == 0)
        #expect(d(["exec", "b1", "ip", "a"]).stdout.contains("eth1@"))
        #expect(d(["exec", "b1", "ping", "-c", "1", "-W", "2", "a2"]).status == 0, "embedded DNS after connect")
        #expect(d(["network", "disconnect", "appnet", "b1"]).status == 0)
        #expect(!d(["exec", "b1", "ip", "a"]).stdout.contains("eth1"))

        // Bad input: docker's messages.
        let overlap = d(["network", "create", "--subnet", "172.30.0.0/16", "other"])
        #expect(overlap.status != 0 && overlap.stderr.contains("Pool overlaps"), "\(overlap)")
        let gateway = d(["network", "create", "--subnet", "10.9.0.0/24", "--gateway", "10.8.0.1", "other"])
        #expect(gateway.status != 0 && gateway.stderr.contains("no matching subnet for gateway 10.8.0.1"))
        let outside = d(["run", "--rm", "--network", "appnet", "--ip", "10.1.1.1", "bb", "true"])
        #expect(outside.status != 0 && outside.stderr.contains("contain the IP address 10.1.1.1"), "\(outside)")
        let taken = d(["run", "--rm", "--network", "appnet", "--ip", "172.30.0.50", "bb", "true"])
        #expect(taken.status != 0 && taken.stderr.contains("Address already in use"), "\(taken)")
        let busy = d(["network", "rm", "appnet"])
        #expect(busy.status != 0 && busy.stderr.contains("has active endpoints"), "\(busy)")
        #expect(d(["network", "create", "appnet"]).stderr.contains("already exists"))
        #expect(d(["network", "rm", "bridge"]).stderr.contains("pre-defined network"))
        #expect(d(["network", "inspect", "nosuch"]).status != 0)

        // Published ports answer from another lab host and from the host itself, also after an agent restart.
        #expect(d(["run", "-d", "--name", "web", "-p", "8080:80", "bb", "httpd", "-f", "-p", "80", "-h", "/etc"]).status == 0)
        let ip1 = h.berth(["ip", "net1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let hostname = d(["exec", "web", "hostname"]).stdout
        let fetch = { (machine: String, url: String) in
            h.berth(["ssh", machine, "curl -s --max-time 5 \(url)"]).stdout
        }
        #expect(fetch("net2", "http://\(ip1):8080/hostname") == hostname)
        #expect(fetch("net1", "http://\(ip1):8080/hostname") == hostname)
        #expect(fetch("net1", "http://127.0.0.1:8080/hostname") == hostname)
        #expect(d(["run", "-d", "--name", "web2", "-P", "--expose", "80", "bb", "httpd", "-f", "-p", "80", "-h", "/etc"])
            .status == 0)
        let port = d(["port", "web2", "80"]).stdout
        #expect(port.hasPrefix("0.0.0.0:327"), "\(port)")
        #expect(onHost("berthd-ctl restart").status == 0)
        var after = ""
        for _ in 0..<50 where after != hostname {
            after = fetch("net2", "http://\(ip1):8080/hostname")
            if after != hostname { usleep(200_000) }
        }
        #expect(after == hostname, "published port after an agent restart")
        #expect(d(["exec", "a1", "ping", "-c", "1", "-W", "2", "a2"]).status == 0, "DNS after an agent restart")

        // Removing containers and the network leaves nothing behind.
        #expect(d(["rm", "-f", "b1", "a1", "a2", "web", "web2"]).status == 0)
        #expect(d(["network", "rm", "appnet"]).status == 0)
        let left = onHost("ip -o link show type veth | grep -c ' veth'; ip netns | wc -l; ls /run/berth/netns | wc -l; "
                          + "iptables -t nat -S | grep -c DNAT; ip -o link show | grep -c br-").stdout
        #expect(left == "0\n0\n0\n0\n0\n", "\(left)")
    }
}
