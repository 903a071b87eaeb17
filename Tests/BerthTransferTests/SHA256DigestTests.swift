@testable import BerthTransfer
import Foundation
import Testing

@Suite struct SHA256DigestTests {
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    static let twoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"

    @Test func knownVectors() {
        #expect(SHA256Digest.hex(of: Data()) == Self.empty)
        #expect(SHA256Digest.hex(of: Data("abc".utf8)) == Self.abc)
        #expect(SHA256Digest.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == Self.twoBlocks)
    }

    @Test func streamingInOddPiecesMatchesOneShot() {
        var rng = SystemRandomNumberGenerator()
        let data = Data((0..<300_001).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let whole = SHA256Digest.hex(of: data)
        let d = SHA256Digest()
        var i = 0
        for size in [1, 63, 64, 65, 127, 4096, 100_000] where i < data.count {
            let end = min(i + size, data.count)
            d.update(data[i..<end])
            i = end
        }
        d.update(data[i...])
        #expect(d.finalize() == whole)
    }
}
