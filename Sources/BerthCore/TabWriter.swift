/// Aligns tab-separated cells into columns, with the semantics of Go's `text/tabwriter`
/// (as `tabwriter.NewWriter(w, minwidth, tabwidth, padding, ' ', 0)`).
///
/// Cells are tab-terminated: the text after a line's last tab is not part of any column and is never padded.
/// A column is a run of adjacent lines that all have a cell in it; its width is the widest cell plus
/// `padding`, and at least `minWidth`. Widths count Unicode scalars, as Go counts runes.
public struct TabWriter: Sendable, Equatable {
    public var minWidth: Int
    public var padding: Int
    public var padCharacter: Character

    /// docker-machine's `ls` settings are the defaults: minwidth 5, padding 3, padded with spaces.
    public init(minWidth: Int = 5, padding: Int = 3, padCharacter: Character = " ") {
        self.minWidth = minWidth
        self.padding = padding
        self.padCharacter = padCharacter
    }

    /// Formats `text` (lines separated by `\n`, cells by `\t`). A final line without `\n` stays without one.
    public func format(_ text: String) -> String {
        let lines: [[String]] = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        var state = Layout(lines: lines, writer: self)
        state.format(0, lines.count)
        return state.output
    }

    /// The column-block recursion of Go's tabwriter.
    private struct Layout {
        let lines: [[String]]
        let writer: TabWriter
        var widths: [Int] = []
        var output = ""

        init(lines: [[String]], writer: TabWriter) {
            self.lines = lines
            self.writer = writer
        }

        static func width(_ cell: String) -> Int { cell.unicodeScalars.count }

        mutating func writeLines(_ first: Int, _ end: Int) {
            guard first < end else { return }
            for i in first..<end {
                for (j, cell) in lines[i].enumerated() {
                    output += cell
                    if j < widths.count {
                        output += String(repeating: writer.padCharacter, count: max(0, widths[j] - Layout.width(cell)))
                    }
                }
                if i + 1 < lines.count { output += "\n" }
            }
        }

        mutating func format(_ start: Int, _ end: Int) {
            var line0 = start
            let column = widths.count
            var this = start
            while this < end {
                if column >= lines[this].count - 1 {
                    this += 1
                    continue
                }
                writeLines(line0, this)
                line0 = this
                var width = writer.minWidth
                while this < end, column < lines[this].count - 1 {
                    width = max(width, Layout.width(lines[this][column]) + writer.padding)
                    this += 1
                }
                widths.append(width)
                format(line0, this)
                widths.removeLast()
                line0 = this
            }
            writeLines(line0, end)
        }
    }
}
