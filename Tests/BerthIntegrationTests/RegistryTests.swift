import Foundation
import Testing

/// Images from registries (issue 18), through the stock CLI and docker-py against Debian's real registry
/// (distribution 2.8) run in a lab host by Tests/scripts/lab-registry.sh: over TLS with a per-registry CA and
/// htpasswd auth, and as a plain-HTTP insecure registry that is also the Docker Hub mirror of one machine.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct RegistryTests {
    static let machines = ["rg1", "rg2"]
    static let lab = ["--lab-network", "btreg", "--lab-subnet", "10.213.128.0/24"]

    @Test func pushPullRunLoginMirrorAndFaults() throws {
        let h = Harness("registry")
        let work = NSTemporaryDirectory() + "berth-registry-\(getpid())"
        let script = Harness.repo + "/Tests/scripts/lab-registry.sh"
        let scriptEnv = { () -> [String: String] in
            var e = Harness.env
            e["BERTH"] = Harness.env["BERTH_BIN"]
            e["BERTH_STORAGE_PATH"] = h.store
            return e
        }()
        func registry(_ args: [String]) -> Harness.Output { Harness.run(["bash", script] + args, env: scriptEnv) }
        defer {
            for dir in ["secure", "plain", "untrusted", "token"] { registry(["stop", "rg1", work + "/" + dir]) }
            h.cleanup(Self.machines)
            try? FileManager.default.removeItem(atPath: work)
        }
        try FileManager.default.createDirectory(atPath: work + "/docker-config", withIntermediateDirectories: true)
        // rg1 first: rg2 names rg1's plain registry as insecure and as its Docker Hub mirror.
        let first = h.berth(["create", "-d", "lab"] + Self.lab + ["rg1"])
        try #require(first.status == 0, "\(first.stderr)")
        let ip = h.berth(["ip", "rg1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let plainAddress = ip + ":5002"
        let second = h.berth(["create", "-d", "lab"] + Self.lab + ["--engine-insecure-registry", plainAddress,
                              "--engine-registry-mirror", "http://" + plainAddress, "rg2"])
        try #require(second.status == 0, "\(second.stderr)")

        let secure = registry(["start", "rg1", work + "/secure", "--tls", "--auth", "lab:s3cret", "--port", "5000"])
        try #require(secure.status == 0, "\(secure.stderr)")
        let address = secure.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = registry(["start", "rg1", work + "/plain", "--port", "5002"])
        try #require(plain.status == 0, "\(plain.stderr)")
        let untrusted = registry(["start", "rg1", work + "/untrusted", "--tls", "--port", "5001"])
        try #require(untrusted.status == 0, "\(untrusted.stderr)")
        for machine in Self.machines {
            let trusted = registry(["trust", machine, work + "/secure", address])
            try #require(trusted.status == 0, "\(trusted.stderr)")
        }

        func d(_ machine: String, _ args: [String], stdin: String? = nil) -> Harness.Output {
            var e = h.dockerEnvironment(machine)
            e["DOCKER_CONFIG"] = work + "/docker-config"
            return Harness.run(["docker"] + args, env: e, stdin: stdin)
        }
        let tar = work + "/bb.tar"
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        try #require(d("rg1", ["import", tar, "bb"]).status == 0)
        // a two-layer image: busybox and a layer of its own
        try FileManager.default.createDirectory(atPath: work + "/app", withIntermediateDirectories: true)
        try "FROM bb\nRUN echo made-here > /greeting\nCMD [\"cat\", \"/greeting\"]\n"
            .write(toFile: work + "/app/Dockerfile", atomically: true, encoding: .utf8)
        let build = d("rg1", ["build", "-q", "-t", "\(address)/lab/app:1", work + "/app"])
        try #require(build.status == 0, "\(build.stderr)")

        // Login: a wrong password is refused with dockerd's wording; the right one is stored by the CLI.
        let wrong = d("rg1", ["login", address, "-u", "lab", "--password-stdin"], stdin: "nope\n")
        #expect(wrong.status != 0 && wrong.stderr.contains("401 Unauthorized"), "\(wrong)")
        let login = d("rg1", ["login", address, "-u", "lab", "--password-stdin"], stdin: "s3cret\n")
        #expect(login.status == 0 && login.stdout.contains("Login Succeeded"), "\(login)")

        // Push, and push again: the second finds every layer there.
        let push = d("rg1", ["push", "\(address)/lab/app:1"])
        #expect(push.status == 0 && push.stdout.contains("Pushed") && push.stdout.contains("1: digest: sha256:"), "\(push)")
        let again = d("rg1", ["push", "\(address)/lab/app:1"])
        #expect(again.status == 0 && again.stdout.contains("Layer already exists") && !again.stdout.contains("Pushed"),
                "\(again)")
        let pushedDigest = push.stdout.components(separatedBy: "digest: ").dropFirst().first?
            .split(separator: " ").first.map(String.init) ?? "?"

        // Pull on the other machine, run it; docker run of an absent image pulls it first.
        let pull = d("rg2", ["pull", "\(address)/lab/app:1"])
        #expect(pull.status == 0 && pull.stdout.contains("Pull complete")
                && pull.stdout.contains("Downloaded newer image for \(address)/lab/app:1")
                && pull.stdout.contains("Digest: \(pushedDigest)"), "\(pull)")
        let ran = d("rg2", ["run", "--rm", "\(address)/lab/app:1"])
        #expect(ran.status == 0 && ran.stdout == "made-here\n", "\(ran)")
        let repoDigests = d("rg2", ["image", "inspect", "-f", "{{json .RepoDigests}}", "\(address)/lab/app:1"])
        #expect(repoDigests.stdout.contains("\(address)/lab/app@\(pushedDigest)"), "\(repoDigests)")
        let upToDate = d("rg2", ["pull", "\(address)/lab/app:1"])
        #expect(upToDate.stdout.contains("Image is up to date"), "\(upToDate)")
        #expect(d("rg2", ["rmi", "\(address)/lab/app:1"]).status == 0)
        let byDigest = d("rg2", ["pull", "\(address)/lab/app@\(pushedDigest)"])
        #expect(byDigest.status == 0, "\(byDigest)")
        #expect(d("rg2", ["tag", "\(address)/lab/app@\(pushedDigest)", "\(address)/lab/app:2"]).status == 0)
        let pushTwo = d("rg2", ["push", "\(address)/lab/app:2"])
        #expect(pushTwo.status == 0 && pushTwo.stdout.contains("Layer already exists"), "\(pushTwo)")
        let autoPull = d("rg1", ["run", "--rm", "\(address)/lab/app:2"])
        #expect(autoPull.status == 0 && autoPull.stdout.hasSuffix("made-here\n"), "\(autoPull)")

        // docker-py: pull and push with credentials given in code.
        var pyEnv = h.dockerEnvironment("rg2")
        pyEnv["DOCKER_CONFIG"] = work + "/empty-config"
        pyEnv["REQUESTS_CA_BUNDLE"] = nil
        pyEnv["CURL_CA_BUNDLE"] = nil
        let py = Harness.run(["python3", "-c", """
            import docker
            c = docker.from_env()
            auth = {'username': 'lab', 'password': 's3cret'}
            image = c.images.pull('\(address)/lab/app', tag='2', auth_config=auth)
            print(image.tags)
            image.tag('\(address)/lab/py', tag='3')
            out = c.images.push('\(address)/lab/py', tag='3', auth_config=auth)
            print('digest' in out)
            data = c.images.get_registry_data('\(address)/lab/app:2', auth_config=auth)
            print('distribution', data.id == image.attrs['RepoDigests'][0].split('@')[1] or data.id,
                  data.has_platform('linux/amd64'))
            """], env: pyEnv)
        #expect(py.status == 0 && py.stdout.contains("'\(address)/lab/app:2'") && py.stdout.contains("True"), "\(py)")
        #expect(py.stdout.contains("distribution True True"), "GET /distribution: \(py)")

        // A registry with token auth (distribution's Bearer dance against a token server in the lab host).
        let token = registry(["start", "rg1", work + "/token", "--tls", "--token", "tok:t0ken pass", "--port", "5003"])
        try #require(token.status == 0, "\(token.stderr)")
        let tokenAddress = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(registry(["trust", "rg2", work + "/token", tokenAddress]).status == 0)
        let tokenLogin = d("rg2", ["login", tokenAddress, "-u", "tok", "--password-stdin"], stdin: "t0ken pass\n")
        #expect(tokenLogin.status == 0 && tokenLogin.stdout.contains("Login Succeeded"), "\(tokenLogin)")
        #expect(d("rg2", ["tag", "\(address)/lab/app:2", "\(tokenAddress)/lab/tok:1"]).status == 0)
        let tokenPush = d("rg2", ["push", "\(tokenAddress)/lab/tok:1"])
        #expect(tokenPush.status == 0 && tokenPush.stdout.contains("Pushed"), "\(tokenPush)")
        #expect(d("rg2", ["rmi", "\(tokenAddress)/lab/tok:1"]).status == 0)
        let tokenPull = d("rg2", ["pull", "\(tokenAddress)/lab/tok:1"])
        #expect(tokenPull.status == 0 && tokenPull.stdout.contains("Digest: sha256:"), "\(tokenPull)")
        let tokenLog = (try? String(contentsOfFile: work + "/token/token.log", encoding: .utf8)) ?? ""
        #expect(tokenLog.contains("scope=repository%3Alab%2Ftok%3Apull%2Cpush&account=tok user=tok 200"),
                "the token server was not asked: \(tokenLog)")
        _ = d("rg2", ["rmi", "\(tokenAddress)/lab/tok:1"])
        registry(["stop", "rg1", work + "/token"])

        // The plain-HTTP registry: insecure for rg2, and its Docker Hub mirror: `docker run busybox` pulls.
        #expect(d("rg1", ["tag", "bb", "\(plainAddress)/library/busybox:latest"]).status == 0)
        let refused = d("rg1", ["push", "\(plainAddress)/library/busybox:latest"])
        #expect(refused.status != 0 && refused.stderr.contains("http: server gave HTTP response to HTTPS client"),
                "\(refused)")
        #expect(d("rg2", ["tag", "\(address)/lab/app:2", "\(plainAddress)/library/busybox:latest"]).status == 0)
        let plainPush = d("rg2", ["push", "\(plainAddress)/library/busybox:latest"])
        #expect(plainPush.status == 0, "\(plainPush)")
        #expect(d("rg2", ["rmi", "\(plainAddress)/library/busybox:latest"]).status == 0)
        let mirrored = d("rg2", ["run", "--rm", "busybox"])
        #expect(mirrored.status == 0 && mirrored.stdout.hasSuffix("made-here\n") && mirrored.stderr.contains("Unable to find image 'busybox:latest' locally"), "\(mirrored)")
        let info = d("rg2", ["info", "-f", "{{json .RegistryConfig.Mirrors}} {{.Images}}"])
        #expect(info.stdout.contains("http://\(plainAddress)/"), "\(info)")

        // Faults: an unknown tag, an unknown repository, no credentials, an untrusted certificate.
        let unknownTag = d("rg2", ["pull", "\(address)/lab/app:nosuch"])
        #expect(unknownTag.status != 0 && unknownTag.stderr.contains("manifest unknown"), "\(unknownTag)")
        let bare = { (args: [String]) -> Harness.Output in
            var e = h.dockerEnvironment("rg2")
            e["DOCKER_CONFIG"] = work + "/empty-config"
            return Harness.run(["docker"] + args, env: e)
        }
        let noAuth = bare(["pull", "\(address)/lab/app:1"])
        #expect(noAuth.status != 0 && noAuth.stderr.contains("no basic auth credentials"), "\(noAuth)")
        let before = d("rg2", ["images", "-q"]).stdout
        let untrustedPull = d("rg2", ["pull", "\(ip):5001/lab/app:1"])
        #expect(untrustedPull.status != 0 && untrustedPull.stderr.contains("x509: certificate signed by unknown authority")
                && untrustedPull.stderr.contains("insecure-registries")
                && untrustedPull.stderr.contains("/etc/berth/certs.d/\(ip):5001/ca.crt"), "\(untrustedPull)")
        #expect(d("rg2", ["images", "-q"]).stdout == before)

        // A blob whose bytes do not match its digest: the pull fails and registers nothing; once the registry is
        // mended, the next pull finds the layers that were complete.
        _ = d("rg2", ["rmi", "-f", "\(address)/lab/app:1", "\(address)/lab/app:2", "\(address)/lab/py:3", "busybox"])
        #expect(d("rg2", ["images", "-q"]).stdout.isEmpty)
        let layers = d("rg1", ["image", "inspect", "-f", "{{len .RootFS.Layers}}", "\(address)/lab/app:1"])
        #expect(layers.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(layers)")
        let blobs = Harness.sh("find \(work)/secure/data -path '*/blobs/sha256/*/data' -size +2k | xargs ls -S | tail -1")
        let blob = blobs.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!blob.isEmpty, "no blob found: \(blobs)")
        try #require(Harness.sh("cp \(blob) \(work)/blob.good && printf 'garbage' | dd of=\(blob) bs=1 seek=100 conv=notrunc 2>/dev/null").status == 0)
        let images0 = d("rg2", ["images", "-q"]).stdout
        let bad = d("rg2", ["pull", "\(address)/lab/app:1"])
        #expect(bad.status != 0 && bad.stderr.contains("filesystem layer verification failed for digest"), "\(bad)")
        #expect(d("rg2", ["images", "-q"]).stdout == images0)
        try #require(Harness.sh("cp \(work)/blob.good \(blob)").status == 0)
        let resumed = d("rg2", ["pull", "\(address)/lab/app:1"])
        #expect(resumed.status == 0 && resumed.stdout.contains("Already exists"), "\(resumed)")
        #expect(d("rg2", ["run", "--rm", "\(address)/lab/app:1"]).stdout == "made-here\n")
        // A full disk: the agent's tmp is a 64 KiB tmpfs in rg2's own mount namespace for the moment. One line
        // naming the cause, nothing registered, nothing left in tmp.
        #expect(d("rg2", ["rmi", "-f", "\(address)/lab/app:1"]).status == 0)
        let mounted = h.berth(["ssh", "rg2", "mkdir -p /var/lib/berth/tmp && mount -t tmpfs -o size=64k berthfull /var/lib/berth/tmp"])
        try #require(mounted.status == 0, "\(mounted)")
        let full = d("rg2", ["pull", "\(address)/lab/app:1"])
        #expect(full.status != 0 && full.stderr.contains("No space left on device"), "\(full)")
        let fullLeft = h.berth(["ssh", "rg2", "ls /var/lib/berth/tmp | wc -l; umount /var/lib/berth/tmp"])
        #expect(fullLeft.stdout.hasPrefix("0"), "\(fullLeft)")
        #expect(d("rg2", ["images", "-q", "\(address)/lab/app"]).stdout.isEmpty)
        let afterFull = d("rg2", ["pull", "\(address)/lab/app:1"])
        #expect(afterFull.status == 0, "\(afterFull)")

        // search: distribution has no v1 search endpoint; dockerd reports the status, and so does berthd.
        let search = d("rg2", ["search", "\(address)/lab"])
        #expect(search.status != 0 && search.stderr.contains("Unexpected status code 404"), "\(search)")
        // The registry goes away: one line naming the address and the cause, the image store as it was.
        registry(["stop", "rg1", work + "/secure"])
        let gone = d("rg2", ["pull", "\(address)/lab/app:nosuch"])
        #expect(gone.status != 0 && gone.stderr.contains(address) && gone.stderr.contains("Connection refused"), "\(gone)")
        let left = h.berth(["ssh", "rg2", "ls /var/lib/berth/tmp 2>/dev/null | grep -c pull- || true"])
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(left)")
    }
}
