import BerthCore
import Testing

@Suite struct DetachKeysTests {
    @Test func parsesDockersForm() throws {
        #expect(try DetachKeys(parsing: nil) == .standard)
        #expect(try DetachKeys(parsing: "ctrl-p,ctrl-q").sequence == [16, 17])
        #expect(try DetachKeys(parsing: "ctrl-a,a,ctrl-@,ctrl-_").sequence == [1, 97, 0, 31])
        #expect(throws: DetachKeys.Invalid.self) { try DetachKeys(parsing: "ctrl-1") }
        #expect(throws: DetachKeys.Invalid.self) { try DetachKeys(parsing: "ab") }
        #expect((try? DetachKeys(parsing: "ctrl-")) == nil)
        #expect(DetachKeys.Invalid(text: "x,yy").description == "Invalid detach keys (x,yy) provided")
    }

    @Test func holdsBackAPrefixAndDetachesOnTheWholeSequence() {
        var m = DetachKeyMatcher(.standard)
        #expect(m.feed(Array("ab".utf8)) == (Array("ab".utf8), false))
        #expect(m.feed([16]) == ([], false))           // could be the start: held
        #expect(m.feed([99]) == ([16, 99], false))     // was not: passed on
        #expect(m.feed([16, 16]) == ([16], false))     // the second ctrl-p may start it again
        #expect(m.feed([17, 120]) == ([], true))       // ctrl-p ctrl-q: detach, the rest dropped
        var split = DetachKeyMatcher(.standard)
        #expect(split.feed([120, 16]) == ([120], false))
        #expect(split.feed([17]) == ([], true))
    }
}
