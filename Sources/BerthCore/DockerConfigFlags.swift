/// The docker CLI flags `config` prints for a machine, as docker-machine does:
/// ```
/// --tlsverify
/// --tlscacert="D/ca.pem"
/// --tlscert="D/cert.pem"
/// --tlskey="D/key.pem"
/// -H=tcp://IP:2376
/// ```
/// Paths are quoted with Go's `%q` rules.
public enum DockerConfigFlags {
    /// The five lines, without newlines. `certDirectory` is the machine's directory holding ca.pem,
    /// cert.pem and key.pem; `dockerURL` is `tcp://IP:2376`.
    public static func lines(certDirectory: String, dockerURL: String) -> [String] {
        func path(_ file: String) -> String {
            var dir = certDirectory
            while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
            return GoTemplate.quote(dir.isEmpty ? file : (dir == "/" ? "/" + file : dir + "/" + file))
        }
        return [
            "--tlsverify",
            "--tlscacert=" + path("ca.pem"),
            "--tlscert=" + path("cert.pem"),
            "--tlskey=" + path("key.pem"),
            "-H=" + dockerURL,
        ]
    }

    /// The whole output: each line followed by a newline.
    public static func render(certDirectory: String, dockerURL: String) -> String {
        lines(certDirectory: certDirectory, dockerURL: dockerURL).map { $0 + "\n" }.joined()
    }
}
