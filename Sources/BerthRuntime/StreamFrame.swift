/// Docker's multiplexed stream framing: `[stream, 0, 0, 0, size as big-endian UInt32]` then the payload.
public enum StreamFrame {
    public static let stdin: UInt8 = 0
    public static let stdout: UInt8 = 1
    public static let stderr: UInt8 = 2

    /// The 8-byte header for a payload of `count` bytes on `stream`.
    public static func header(stream: UInt8, count: Int) -> [UInt8] {
        let n = UInt32(count)
        return [stream, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
    }
}
