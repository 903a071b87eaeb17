@testable import BerthAgent
import Testing

/// Compressed build contexts, as dockerd takes them: gzip, bzip2 and xz are recognised by their first bytes and
/// decompressed (zlib, libbz2 and liblzma, linked statically); anything else is passed on as it is.
@Suite("build context compression")
struct ContextCompressionTests {
    static let text = Array(String(repeating: "berth build context\n", count: 3).utf8)

    /// Each made by Python's gzip, bz2 and lzma modules from `text`.
    static let compressed: [(String, String)] = [
        ("gzip", "1f8b08000000000002034b4a2d2ac950482acdcc495148cecf2b49ad28e14a22520c005a5eb9553c000000"),
        ("bzip2", "425a6839314159265359a8f96006000005d180001040001e6596402000314c00011faa827a98989b7a959786529871a6da7ceb8eb2bbf177245385090a8f960060"),
        ("xz", "fd377a585a000004e6d6b4460200210116000000742fe5a3e0003b001b5d0031194aac2119d3485dd5f51615aa6931ed6d6d8f323c4644adc0000000bab72b25ee3f5fa30001373c9869ee9f1fb6f37d010000000004595a"),
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test(arguments: compressed)
    func decompresses(name: String, hex: String) throws {
        #expect(try GzipStream.decompressed(Self.bytes(hex)) == Self.text, "\(name)")
    }

    @Test func plainBytesPassThrough() throws {
        #expect(GzipStream.compression(of: Self.text) == nil)
        #expect(try GzipStream.decompressed(Self.text) == Self.text)
    }

    @Test(arguments: compressed)
    func truncatedStreamsFail(name: String, hex: String) {
        let cut = Array(Self.bytes(hex).dropLast(8))
        #expect(throws: GzipStream.Failure.self, "\(name)") { try GzipStream.decompressed(cut) }
    }
}
