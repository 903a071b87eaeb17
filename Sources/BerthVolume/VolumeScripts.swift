import BerthSSH
import Foundation

/// The shell scripts `berth volume` runs (as root) on the hosts, and the markers they print. Pure.
///
/// A volume travels as a tar of its directory's contents (`./...`, numeric owners, modes, symbolic links). The
/// sending side prints the SHA-256 of what it sent on stderr; the receiving side extracts into a staging directory
/// `<volumes>/.berth-tmp-<pid>-<random>` beside the volumes and prints the SHA-256 of what it received. Only after
/// both match the stream's is the staging directory renamed into place.
public enum VolumeScripts {
    public static let shaMarker = "berth-sha256 "
    public static let stagingMarker = "berth-staging "
    public static let sizeMarker = "berth-size "
    public static let stagingPrefix = ".berth-tmp-"

    static func q(_ s: String) -> String { shellQuote(s) }

    /// Prints the bytes under `dir` and whether it is empty.
    public static func probe(_ dir: String) -> String {
        """
        d=\(q(dir)); [ -d "$d" ] || { echo "no such directory: $d" >&2; exit 1; }
        echo "\(sizeMarker)$(du -sb "$d" | cut -f1) $(ls -A "$d" | head -n 1 | wc -l)"
        """
    }

    /// Writes a tar of `dir`'s contents on stdout; its SHA-256 on stderr; fails when tar fails.
    public static func send(_ dir: String) -> String {
        """
        set -u
        f=$(mktemp -d /tmp/.berth-send-XXXXXXXX) || exit 1
        trap 'rm -rf "$f"' EXIT
        mkfifo "$f/tar" "$f/sum" || exit 1
        sha256sum < "$f/sum" > "$f/sha" & s=$!
        tar --numeric-owner -cpf "$f/tar" -C \(q(dir)) . & t=$!
        tee "$f/sum" < "$f/tar"
        wait $t; rc=$?
        wait $s
        echo "\(shaMarker)$(cut -c1-64 "$f/sha")" >&2
        exit $rc
        """
    }

    /// Reads a tar on stdin into a new staging directory under `volumesRoot`; prints its path and the stream's
    /// SHA-256. On failure nothing is left. Also sweeps staging directories of receivers that died (their pid is
    /// gone and they are older than ten minutes).
    public static func receive(volumesRoot root: String, random: String) -> String {
        """
        set -u
        root=\(q(root))
        for old in "$root"/\(stagingPrefix)*; do
          [ -e "$old" ] || continue
          p=${old##*/\(stagingPrefix)}; p=${p%%-*}
          if ! kill -0 "$p" 2>/dev/null && [ -n "$(find "$old" -maxdepth 0 -mmin +10)" ]; then rm -rf "$old"; fi
        done
        s="$root/\(stagingPrefix)$$-\(random)"
        mkdir -p "$root" && mkdir -m 0755 "$s" || exit 1
        mkfifo "$s.fifo" || { rm -rf "$s"; exit 1; }
        tar --numeric-owner -xpBf "$s.fifo" -C "$s" & t=$!
        sum=$(tee -p "$s.fifo" | sha256sum | cut -c1-64)
        if wait $t; then
          rm -f "$s.fifo"
          echo "\(stagingMarker)$s"
          echo "\(shaMarker)$sum"
        else
          rm -rf "$s" "$s.fifo"
          exit 1
        fi
        """
    }

    /// Puts a checked staging directory in place of the (empty, new) volume directory `mountpoint`.
    public static func commitNew(staging: String, mountpoint: String) -> String {
        "set -e; rmdir \(q(mountpoint)); mv \(q(staging)) \(q(mountpoint))"
    }

    /// Replaces the contents of an existing volume directory with a checked staging directory.
    public static func commitReplace(staging: String, mountpoint: String) -> String {
        let old = staging + ".old"
        return "set -e; mv \(q(mountpoint)) \(q(old)); mv \(q(staging)) \(q(mountpoint)) || { mv \(q(old)) \(q(mountpoint)); exit 1; }; rm -rf \(q(old))"
    }

    public static func discard(staging: String) -> String { "rm -rf \(q(staging)) \(q(staging + ".fifo"))" }

    /// The value after `marker` on its own line of `text`.
    public static func value(of marker: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(marker) {
            return String(line.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Lines of `stderr` that are not markers (the remote command's own messages).
    public static func messages(_ stderr: String) -> String {
        stderr.split(separator: "\n").filter { !$0.hasPrefix(shaMarker) }.joined(separator: "\n")
    }
}
