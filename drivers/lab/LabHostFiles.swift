import BerthCore
import BerthLinux
import BerthMachine
import Foundation

/// Writes a lab host's directory: sshd config and host key, authorised key, boot script and the directories
/// bind-mounted over the agent's paths so the host's writes stay its own.
struct LabHostFiles {
    let driver: LabDriver

    /// Paths inside the host that get a private copy, and whether each is a file. Files are bound only where
    /// this machine has them: /etc/hostname, and root's .bashrc (this machine's, which bash reads for every SSH
    /// command, would otherwise run in every lab host; the lab's copy starts empty).
    static let privatePaths: [(target: String, isFile: Bool)] = [
        ("/usr/local/bin", false), ("/etc/berth", false), ("/var/lib/berth", false),
        ("/etc/systemd/system", false), ("/etc/hostname", true), ("/root/.bashrc", true),
    ]

    /// What a private file starts as.
    func initialContent(_ target: String) -> String {
        target == "/etc/hostname" ? "\(driver.context.machineName)\n" : ""
    }

    struct Bind: Encodable {
        var source: String
        var target: String
        var isDir: Bool
        enum CodingKeys: String, CodingKey { case source = "Source", target = "Target", isDir = "IsDir" }
    }

    struct Values: Encodable {
        var name: String
        var address: String
        var dir: String
        var binds: [Bind]
        enum CodingKeys: String, CodingKey { case name = "Name", address = "Address", dir = "Dir", binds = "Binds" }
    }

    func write() throws {
        let dir = driver.hostDir
        let fm = FileManager.default
        var binds: [Bind] = []
        for (target, isFile) in LabHostFiles.privatePaths {
            let src = dir + "/root" + target
            if isFile {
                try FileOps.makeDirectory((src as NSString).deletingLastPathComponent)
                if !fm.fileExists(atPath: src) { try FileOps.writeAtomically(Data(initialContent(target).utf8), to: src) }
            } else {
                try FileOps.makeDirectory(src)
            }
            binds.append(Bind(source: src, target: target, isDir: !isFile))
        }
        let key = dir + "/ssh_host_ed25519_key"
        if !fm.fileExists(atPath: key) {
            try Exec.check(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lab-host", "-f", key])
        }
        let pub = try String(contentsOfFile: driver.layout.labKey + ".pub", encoding: .utf8)
        try FileOps.writeAtomically(Data(pub.utf8), to: dir + "/authorized_keys", mode: 0o600)
        let v = Values(name: driver.context.machineName, address: driver.st.address, dir: dir, binds: binds)
        let t = driver.context.templates
        try FileOps.writeAtomically(Data(try t.render("lab/sshd_config.tmpl", v).utf8), to: dir + "/sshd_config", mode: 0o600)
        try FileOps.writeAtomically(Data(try t.render("lab/boot.sh.tmpl", v).utf8), to: dir + "/boot.sh", mode: 0o700)
    }
}
