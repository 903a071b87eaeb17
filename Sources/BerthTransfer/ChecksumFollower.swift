import Foundation

/// Runs `FileSystemSide.sha256(following:size:)` on a thread of its own while the copier writes the file.
final class ChecksumFollower: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<String?, Error> = .success(nil)

    /// Starts hashing `path` on `side` as it grows to `size` bytes.
    init(side: FileSystemSide, path: String, size: UInt64) {
        let thread = Thread { [self] in
            result = Result { try side.sha256(following: path, size: size) }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits for the hash; nil when the side could not follow the file (the copier then hashes it afterwards).
    func wait() -> String? {
        done.wait()
        return (try? result.get()) ?? nil
    }
}
