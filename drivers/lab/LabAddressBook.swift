import BerthCore
import BerthLinux
import BerthMachine
import Foundation

/// Hands out lab addresses. Each host's claim is a file `machines/NAME/lab/address`; call under the store lock.
struct LabAddressBook {
    let store: MachineStore

    func claimFile(_ name: String) -> String { store.layout.machineDir(name) + "/lab/address" }

    func allocate(for name: String, network: String, subnet: IPv4Network) throws -> String {
        var taken = Set<IPv4Address>()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: store.layout.machinesDir)) ?? []
        for other in names where other != name {
            guard let text = try? String(contentsOfFile: claimFile(other), encoding: .utf8) else { continue }
            let f = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if f.count == 2, f[0] == network, let a = IPv4Address(f[1]) { taken.insert(a) }
        }
        // Also skip addresses live in this lab's namespaces (hosts of another store, or left over by hand).
        let live = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        for ns in live where ns.hasPrefix(network + "-") {
            taken.formUnion(Link.addresses(inNamespace: ns))
        }
        guard let a = subnet.firstFree(excluding: taken) else {
            throw BerthError.failed("lab subnet \(subnet) is full")
        }
        try store.write(Data("\(network) \(a)\n".utf8), to: claimFile(name), mode: 0o600)
        return a.description
    }
}

/// The store's lab key: authorised on every lab host it makes.
enum LabKeys {
    static func ensureStoreKey(_ layout: StoreLayout) throws {
        if FileManager.default.fileExists(atPath: layout.labKey) { return }
        let dir = (layout.labKey as NSString).deletingLastPathComponent
        try FileOps.makeDirectory(dir, mode: 0o700)
        try Exec.check(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "berth-lab", "-f", layout.labKey])
    }
}

/// The lab switch: a bridge holding the lab's gateway address. No default route leads out of the lab.
struct LabSwitch {
    let network: String

    func ensure(gateway: String) throws { try Link.ensureBridge(network, address: gateway) }

    /// Deletes the bridge once no namespace of this lab is left.
    func removeIfUnused() {
        let left = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        guard !left.contains(where: { $0.hasPrefix(network + "-") }) else { return }
        try? Link.delete(network)
        // Mount points the lab made for the agent's private directories go once no lab host uses them
        // (rmdir only removes them while empty).
        if !left.contains(where: { $0.contains("-") }) {
            for (target, isFile) in LabHostFiles.privatePaths where !isFile && target.contains("berth") { rmdir(target) }
        }
    }
}
