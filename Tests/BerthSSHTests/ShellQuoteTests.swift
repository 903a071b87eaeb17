import BerthSSH
import Testing

@Suite struct ShellQuoteTests {
    @Test func safeWordsStayBare() {
        #expect(shellQuote("/etc/docker/daemon.json") == "/etc/docker/daemon.json")
        #expect(shellQuote("a-b_c.d,e:f@g+h") == "a-b_c.d,e:f@g+h")
    }

    @Test func emptyStringIsTwoQuotes() {
        #expect(shellQuote("") == "''")
    }

    @Test func specialCharactersAreSingleQuoted() {
        #expect(shellQuote("a b") == "'a b'")
        #expect(shellQuote("$HOME") == "'$HOME'")
        #expect(shellQuote("~") == "'~'")
        #expect(shellQuote("a;rm -rf /") == "'a;rm -rf /'")
        #expect(shellQuote("x=1") == "'x=1'")
        #expect(shellQuote("line\nbreak") == "'line\nbreak'")
    }

    @Test func embeddedSingleQuotes() {
        #expect(shellQuote("it's") == #"'it'\''s'"#)
        #expect(shellQuote("'") == #"''\'''"#)
    }
}
