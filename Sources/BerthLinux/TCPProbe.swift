import BerthCore
#if canImport(Glibc)
import Glibc
#endif

/// Checks that a TCP port answers, with a real connect timeout (BerthCore's `TCPConnect`).
public enum TCPProbe {
    public static func check(host: String, port: Int, timeout: Double) throws {
        do {
            close(try TCPConnect.open(host: host, port: port, timeout: timeout))
        } catch TCPConnect.Failure.resolve(let reason) {
            throw FileOps.Failure(description: "cannot resolve \(host): \(reason)")
        } catch TCPConnect.Failure.timedOut {
            throw FileOps.Failure(description: "cannot reach \(host):\(port): connection timed out after \(Int(timeout))s")
        } catch let failure as TCPConnect.Failure {
            throw FileOps.Failure(description: "cannot reach \(host):\(port): \(failure)")
        }
    }
}
