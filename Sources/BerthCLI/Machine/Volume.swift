import ArgumentParser
import BerthCore
import BerthMachine
import BerthVolume
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `berth volume backup|restore|migrate`: a machine's docker volume to a file, from a file, or to another machine,
/// streamed over the agents' data plane (or SSH) and checked by SHA-256 where it arrives (see
/// BerthVolume.VolumeTransfer).
struct VolumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume", abstract: "Back up, restore and migrate docker volumes of machines",
        subcommands: [VolumeBackup.self, VolumeRestore.self, VolumeMigrate.self])
}

/// The flags every `berth volume` verb shares.
struct VolumeOutputOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "No progress bar and no summary line")
    var quiet = false
    @Flag(name: .long, help: "Move the bytes over SSH even where the agents serve the data plane")
    var ssh = false
    @Flag(name: [.short, .long], help: "Say how each machine was reached and which way the bytes went")
    var verbose = false

    /// Runs `body` with a progress bar (on a terminal, unless quiet) and prints the summary line.
    func run(label: String, service: () throws -> MachineService,
             _ body: (VolumeTransfer) throws -> VolumeTransfer.Report) throws {
        try guarded {
            let transfer = VolumeTransfer(service: try service())
            transfer.forceSSH = ssh || ProcessInfo.processInfo.environment["BERTH_VOLUME_SSH"] == "1"
            // Interrupted: the receives under way on the agents are given up and the local temporary file goes, then
            // the command exits 128+signal (a push between agents stops by itself when this process's connection goes).
            let cleanups = transfer.cleanups
            let signals = InterruptTrap { sig in
                cleanups.runAll()
                _exit(128 + sig)
            }
            defer { signals.restore() }
            let bar = ProgressBar(label: label, quiet: quiet || isatty(1) != 1)
            transfer.onProgress = { sent, total in bar.update(sent: sent, total: total) }
            let report: VolumeTransfer.Report
            do {
                report = try body(transfer)
                bar.finish()
            } catch {
                bar.finish()
                throw error
            }
            if verbose { for line in report.paths { say(line) } }
            if !quiet {
                let rate = report.seconds > 0 ? Double(report.bytes) / report.seconds / 1e6 : 0
                say(String(format: "%@: %@ in %.2f s (%.0f MB/s), sha256 %@", report.target,
                           ProgressBar.bytes(report.bytes), report.seconds, rate, String(report.sha256.prefix(16))))
            }
        }
    }
}

struct VolumeBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a tar of a machine's volume to a local file",
        discussion: "The file is written beside its final name and renamed once its SHA-256 matches the machine's.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: VolumeOutputOptions
    @Argument(help: "MACHINE:VOLUME") var source: String
    @Argument(help: "Local tar file") var file: String

    func run() throws {
        try output.run(label: source, service: { try global.service() }) {
            try $0.backup(try VolumeAddress.parse(source), to: file)
        }
    }
}

struct VolumeRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Extract a tar file into a machine's volume (created when missing)",
        discussion: """
        The tar is extracted beside the volume and put in place only after its SHA-256 checks out. A volume that \
        holds data is replaced only with --force (stop the containers using it first).
        """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: VolumeOutputOptions
    @Flag(name: [.short, .long], help: "Replace the contents of a volume that is not empty") var force = false
    @Argument(help: "Local tar file") var file: String
    @Argument(help: "MACHINE:VOLUME") var target: String

    func run() throws {
        try output.run(label: target, service: { try global.service() }) {
            try $0.restore(from: file, to: try VolumeAddress.parse(target), force: force)
        }
    }
}

struct VolumeMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy a volume from one machine to another",
        discussion: """
        The source agent streams straight to the target agent (through memory here when it cannot reach it, or \
        over SSH with --ssh; never the local disk), checked by SHA-256 on arrival. The target \
        volume (the source's name unless given) is created only once the data is checked; a failed migrate leaves \
        both sides as they were. --rm-source removes the source volume after the check.
        """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: VolumeOutputOptions
    @Flag(name: [.short, .long], help: "Replace the contents of a target volume that is not empty") var force = false
    @Flag(name: .customLong("rm-source"), help: "Remove the source volume once the copy is checked") var removeSource = false
    @Argument(help: "MACHINE1:VOLUME") var source: String
    @Argument(help: "MACHINE2[:NAME]") var target: String

    func run() throws {
        try output.run(label: source, service: { try global.service() }) {
            try $0.migrate(try VolumeAddress.parse(source), to: try VolumeAddress.parse(target, volumeOptional: true),
                           force: force, removeSource: removeSource)
        }
    }
}
