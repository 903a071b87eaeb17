import Testing
@testable import BerthCore

@Suite struct NaturalSortTests {
    @Test func sortsNumbersByValue() {
        #expect(NaturalSort.sorted(["lab10", "lab2", "lab1", "Lab3", "alpha", "lab"])
                == ["alpha", "lab", "lab1", "lab2", "Lab3", "lab10"])
    }

    @Test(arguments: [
        ("lab2", "lab10", true), ("lab10", "lab2", false), ("a1b2", "a1b10", true), ("x007", "x7", false),
        ("x7", "x007", true), ("1abc", "abc", true), ("abc", "abd", true), ("lab", "lab1", true),
        ("lab1", "lab", false), ("same", "same", false),
    ])
    func less(a: String, b: String, expected: Bool) {
        #expect(NaturalSort.less(a, b) == expected)
    }

    @Test func ignoringCase() {
        #expect(NaturalSort.lessIgnoringCase("B2", "b10"))
        #expect(!NaturalSort.lessIgnoringCase("b10", "B2"))
    }
}
