import Testing
@testable import BerthCore

@Suite struct TabWriterTests {
    @Test func alignsColumnsWithMinWidthAndPadding() {
        let out = TabWriter().format("NAME\tA\tURL\nlab1\t-\ttcp://x\nlongername\t*\t\n")
        #expect(out == "NAME         A    URL\n"
                + "lab1         -    tcp://x\n"
                + "longername   *    \n")
    }

    @Test func lastCellIsNotPadded() {
        #expect(TabWriter().format("a\tb\n") == "a    b\n")
        #expect(TabWriter().format("a\tb") == "a    b")
    }

    @Test func blocksEndAtLinesWithoutThatColumn() {
        // The second column's block is broken by the line with a single tab-terminated cell.
        let out = TabWriter(minWidth: 0, padding: 1).format("aaaa\tb\tc\nx\ny\tlonger\tz\n")
        #expect(out == "aaaa b c\nx\ny longer z\n")
    }

    @Test func countsRunesNotBytes() {
        #expect(TabWriter(minWidth: 0, padding: 1).format("é\tx\nab\ty\n") == "é  x\nab y\n")
    }

    @Test func emptyInput() {
        #expect(TabWriter().format("") == "")
    }
}
