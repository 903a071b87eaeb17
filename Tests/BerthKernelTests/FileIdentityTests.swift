import BerthKernel
import Foundation
import Testing

/// A thread acting as another user: the kernel checks its file calls as that user's and files it makes are theirs,
/// while the rest of the process stays root. Needs root (it changes ids), so it runs only as root.
@Suite(.enabled(if: getuid() == 0)) struct FileIdentityTests {
    @Test func aThreadActsAsTheUserAndTheProcessStaysRoot() async throws {
        let nobody = try FileIdentity.lookup("nobody")
        #expect(nobody.uid == 65534 && nobody.groups.contains(nobody.gid))
        let dir = NSTemporaryDirectory() + "berth-identity-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/closed", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/open", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        chmod(dir + "/closed", 0o755)
        chmod(dir + "/open", 0o777)
        let results = try await nobody.run { () -> [Int32] in
            let refused = open(dir + "/closed/x", O_WRONLY | O_CREAT | O_EXCL, 0o666) >= 0 ? 0 : errno
            let fd = open(dir + "/open/x", O_WRONLY | O_CREAT | O_EXCL, 0o666)
            let made = fd >= 0 ? 0 : errno
            if fd >= 0 { close(fd) }
            return [refused, made]
        }
        #expect(results == [EACCES, 0])
        var st = stat()
        #expect(stat(dir + "/open/x", &st) == 0 && st.st_uid == 65534 && st.st_mode & 0o777 == 0o644) // umask 022
        // This thread was never changed.
        let fd = open(dir + "/closed/y", O_WRONLY | O_CREAT | O_EXCL, 0o600)
        #expect(fd >= 0)
        if fd >= 0 { close(fd) }
        #expect(throws: FileIdentity.UnknownUser.self) { try FileIdentity.lookup("no-such-user-berth") }
    }
}
