import Foundation
import Testing
@testable import BerthCore

@Suite struct GoTemplateTests {
    typealias V = GoTemplate.Value

    static let data: V = [
        "Name": "lab1",
        "Port": 2376,
        "Ratio": 1.5,
        "Big": 1_000_000.5,
        "On": true,
        "Off": false,
        "Empty": "",
        "Nothing": nil,
        "List": ["a", "b", "c"],
        "None": [],
        "Host": ["Name": "h1", "IP": "10.0.0.2", "Tags": ["x": "1", "y": "2"]],
        "Items": [["N": "one", "K": 1], ["N": "two", "K": 2]],
        "Html": "<a&b>",
    ]

    func render(_ text: String, _ data: V = GoTemplateTests.data,
                missingKey: GoTemplate.MissingKey = .noValue) throws -> String {
        try GoTemplate(text).execute(data, missingKey: missingKey)
    }

    @Test(arguments: [
        ("plain text", "plain text"),
        ("{{.Name}}", "lab1"),
        ("{{ .Name }}:{{ .Port }}", "lab1:2376"),
        ("{{.Host.Name}}/{{.Host.IP}}", "h1/10.0.0.2"),
        ("{{.Ratio}} {{.Big}}", "1.5 1.0000005e+06"),
        ("{{.On}} {{.Off}}", "true false"),
        ("{{.Nothing}}", "<no value>"),
        ("{{print .Nothing .Missing}} {{printf \"%v\" .Nothing}}", "<nil> <nil> <nil>"),
        ("{{.Missing}}", "<no value>"),
        ("{{.Missing.Deeper}}", "<no value>"),
        ("{{.List}}", "[a b c]"),
        ("{{.Host.Tags}}", "map[x:1 y:2]"),
        ("{{.Host}}", "map[IP:10.0.0.2 Name:h1 Tags:map[x:1 y:2]]"),
        ("{{json .List}}", #"["a","b","c"]"#),
        ("{{json .Host}}", #"{"IP":"10.0.0.2","Name":"h1","Tags":{"x":"1","y":"2"}}"#),
        ("{{json .Html}}", #""\u003ca\u0026b\u003e""#),
        ("{{json .Missing}}", "null"),
        ("{{json .Port}} {{json .Ratio}} {{json .On}}", "2376 1.5 true"),
        ("{{upper .Name}} {{lower \"ABC\"}}", "LAB1 abc"),
        ("{{.Name | upper}}", "LAB1"),
        ("{{.Name | printf \"%s-%d\" \"x\"}}", "x-%!d(string=lab1)"),
        ("{{printf \"%s:%d\" .Name .Port}}", "lab1:2376"),
        ("{{printf \"%q %5s|%-5s| %05d %.2f %x %t %v\" .Name \"ab\" \"cd\" 42 3.14159 255 true .List}}",
         #""lab1"    ab|cd   | 00042 3.14 ff true [a b c]"#),
        ("{{printf \"%d\" 1 2}}", "1%!(EXTRA int=2)"),
        ("{{print \"a\" 1 2 \"b\"}}", "a1 2b"),
        ("{{println .Name .Port}}", "lab1 2376\n"),
        ("{{len .List}} {{len .Name}} {{len .Host}}", "3 4 3"),
        ("{{index .List 1}} {{index .Host \"IP\"}} {{index .Host.Tags \"y\"}}", "b 10.0.0.2 2"),
        ("{{(index .Items 1).N}}", "two"),
        ("{{slice .List 1 3}} {{slice .Name 1}}", "[b c] ab1"),
        ("{{join .List \",\"}}", "a,b,c"),
        ("{{range split \"a:b\" \":\"}}[{{.}}]{{end}}", "[a][b]"),
        ("{{title \"hello world\"}}", "Hello World"),
        ("{{shellquote \"it's\"}}", #"'it'\''s'"#),
        ("{{html .Html}} {{urlquery \"a b&c\"}}", "&lt;a&amp;b&gt; a+b%26c"),
        ("{{/* a comment */}}x{{- /* trimmed */ -}} y", "xy"),
        ("a  {{- .Name -}}  \n b", "alab1b"),
        ("{{-3}}", "-3"),
        ("{{ 0x1F }} {{ 1e3 }} {{ 'a' }} {{ 1_000 }} {{ -2.5 }}", "31 1000 97 1000 -2.5"),
        ("{{\"tab\\there\"}} {{`raw\\n`}}", "tab\there raw\\n"),
        ("{{true}} {{false}}", "true false"),
    ])
    func renders(template: String, expected: String) throws {
        #expect(try render(template) == expected)
    }

    @Test(arguments: [
        ("{{if .On}}yes{{else}}no{{end}}", "yes"),
        ("{{if .Off}}yes{{else}}no{{end}}", "no"),
        ("{{if .Empty}}yes{{else}}no{{end}}", "no"),
        ("{{if .Nothing}}yes{{else}}no{{end}}", "no"),
        ("{{if .Missing}}yes{{else}}no{{end}}", "no"),
        ("{{if .None}}yes{{else}}no{{end}}", "no"),
        ("{{if .List}}yes{{else}}no{{end}}", "yes"),
        ("{{if 0}}yes{{else}}no{{end}}", "no"),
        ("{{if 0.0}}yes{{else}}no{{end}}", "no"),
        ("{{if .Port}}yes{{end}}", "yes"),
        ("{{if .Off}}a{{else if .On}}b{{else}}c{{end}}", "b"),
        ("{{if .Off}}a{{else if .Empty}}b{{else}}c{{end}}", "c"),
        ("{{if not .Off}}yes{{end}}", "yes"),
        ("{{if and .On .Name}}{{and .On .Name}}{{end}}", "lab1"),
        ("{{or .Empty .Missing \"fallback\"}}", "fallback"),
        ("{{and .Off .Missing.X}}", "false"),
        ("{{if eq .Name \"lab1\"}}eq{{end}}", "eq"),
        ("{{if eq .Name \"x\" \"y\" \"lab1\"}}any{{end}}", "any"),
        ("{{if ne .Port 2376}}ne{{else}}same{{end}}", "same"),
        ("{{if eq .Port 2376.0}}numeric{{end}}", "numeric"),
        ("{{if lt 1 2}}lt{{end}}{{if le 2 2}}le{{end}}{{if gt \"b\" \"a\"}}gt{{end}}{{if ge 1.5 1}}ge{{end}}", "ltlegtge"),
        ("{{with .Host}}{{.Name}}{{end}}", "h1"),
        ("{{with .Missing}}x{{else}}none{{end}}", "none"),
        ("{{with .Off}}x{{else with .Host}}{{.IP}}{{end}}", "10.0.0.2"),
        ("{{with $h := .Host}}{{$h.IP}}{{end}}", "10.0.0.2"),
    ])
    func conditionals(template: String, expected: String) throws {
        #expect(try render(template) == expected)
    }

    @Test(arguments: [
        ("{{range .List}}<{{.}}>{{end}}", "<a><b><c>"),
        ("{{range $i, $e := .List}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c "),
        ("{{range $e := .List}}{{$e}}{{end}}", "abc"),
        ("{{range .None}}x{{else}}empty{{end}}", "empty"),
        ("{{range .Missing}}x{{else}}empty{{end}}", "empty"),
        ("{{range $k, $v := .Host.Tags}}{{$k}}:{{$v}};{{end}}", "x:1;y:2;"),
        ("{{range .Items}}{{.N}}={{.K}},{{end}}", "one=1,two=2,"),
        ("{{range .Items}}{{$.Name}}/{{.N}} {{end}}", "lab1/one lab1/two "),
        ("{{range 3}}{{.}}{{end}}", "012"),
        ("{{range .List}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a"),
        ("{{range .List}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac"),
        ("{{$x := 1}}{{range .List}}{{$x = .}}{{end}}{{$x}}", "c"),
        ("{{$n := .Name}}{{with .Host}}{{$n}}@{{.Name}}{{end}}", "lab1@h1"),
        ("{{range .List -}}\n  {{.}}\n{{- end}}", "abc"),
    ])
    func loopsAndVariables(template: String, expected: String) throws {
        #expect(try render(template) == expected)
    }

    @Test func defineTemplateAndBlock() throws {
        let t = try GoTemplate(#"""
            {{- define "row"}}[{{.N}}]{{end -}}
            {{range .Items}}{{template "row" .}}{{end}} {{block "tail" .Name}}<{{.}}>{{end}}
            """#, name: "main")
        #expect(try t.execute(GoTemplateTests.data) == "[one][two] <lab1>")
        #expect(t.definedTemplates == ["main", "row", "tail"])
        #expect(try t.execute(template: "row", ["N": "z"]) == "[z]")
    }

    @Test func runawayRecursionFails() throws {
        let t = try GoTemplate(#"{{define "loop"}}x{{template "loop" .}}{{end}}{{template "loop" .}}"#)
        #expect {
            try t.execute([:])
        } throws: { error in
            (error as? GoTemplate.Error)?.message == "exceeded maximum template depth (1000)"
        }
    }

    @Test func bigIntegerRangeNeedsNoArray() throws {
        let out = try render("{{range $i := 1000000}}{{if eq $i 3}}{{break}}{{end}}{{$i}}{{end}}")
        #expect(out == "012")
    }

    /// Random token soup must parse or fail with an error, never crash.
    @Test func randomTemplatesNeverCrash() {
        let pieces = ["{{", "}}", "{{-", "-}}", " ", ".", ".Name", ".List", "$", "$x", ":=", "=", "|", "(", ")", "if",
                      "else", "end", "range", "with", "define", "template", "block", "break", "\"s\"", "`r`", "'c'",
                      "1", "-2.5", "0x1", "nil", "true", "printf", "index", "len", "eq", "json", "/*", "*/", ",",
                      "\n", "text", "}", "{", "\\", "\"", "'", "é"]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        var parsed = 0
        for _ in 0..<3000 {
            let text = (0..<(1 + next(12))).map { _ in pieces[next(pieces.count)] }.joined()
            guard let t = try? GoTemplate(text) else { continue }
            parsed += 1
            _ = try? t.execute(GoTemplateTests.data)
        }
        #expect(parsed > 0)
    }

    @Test func customFunctions() throws {
        let t = try GoTemplate("{{twice .Name}} {{.Port | twice}}",
                               functions: ["twice": { args in .string(args.map(\.goDescription).joined() + args.map(\.goDescription).joined()) }])
        #expect(try t.execute(GoTemplateTests.data) == "lab1lab1 23762376")
    }

    @Test func prettyJSONMatchesGoMarshalIndent() throws {
        let out = try render("{{prettyjson .Host}}")
        #expect(out == """
            {
                "IP": "10.0.0.2",
                "Name": "h1",
                "Tags": {
                    "x": "1",
                    "y": "2"
                }
            }
            """)
        #expect(try render("{{prettyjson .None}}") == "[]")
    }

    struct Machine: Encodable {
        var Name: String
        var Port: Int
        var Weight: Double
        var Up: Bool
        var Tags: [String]
        var Driver: [String: String]
        var Missing: String?
    }

    @Test func executesAgainstEncodable() throws {
        let m = Machine(Name: "lab2", Port: 22, Weight: 0.25, Up: true, Tags: ["a"], Driver: ["IP": "10.0.0.3"],
                        Missing: nil)
        let t = try GoTemplate("{{.Name}} {{.Port}} {{.Weight}} {{.Up}} {{.Tags}} {{.Driver.IP}} {{.Missing}}")
        #expect(try t.execute(encoding: m) == "lab2 22 0.25 true [a] 10.0.0.3 <no value>")
        let v = try GoTemplate.Value(encoding: m)
        if case .object(let o) = v {
            #expect(o["Up"] == .bool(true))
            #expect(o["Port"] == .int(22))
        } else {
            Issue.record("expected an object, got \(v)")
        }
    }

    @Test(arguments: [
        ("{{.Name", "template: 1:1: unclosed action"),
        ("x {{.Name}}}", nil),
        ("{{.Name }}}", nil),
        ("{{ } }}", "template: 1:4: unexpected \"}\" in command"),
        ("{{if .On}}x", "template: 1:12: unexpected EOF"),
        ("{{end}}", "template: 1:3: unexpected {{end}}"),
        ("{{else}}", "template: 1:3: unexpected {{else}}"),
        ("{{nope .X}}", "template: 1:3: function \"nope\" not defined"),
        ("{{$x}}", "template: 1:3: undefined variable \"$x\""),
        ("{{}}", "template: 1:3: missing value for command"),
        ("{{if}}{{end}}", "template: 1:5: missing value for if"),
        ("{{\"abc}}", "template: 1:3: unterminated quoted string"),
        ("{{/* open }}", "template: 1:1: unclosed comment"),
        ("{{ \u{01} }}", "template: 1:4: unrecognized character in action: U+0001"),
        ("{{if .A}}{{else}}{{else}}{{end}}", "template: 1:20: expected end; found {{else}}"),
        ("{{with .A}}{{range .B}}{{end}}", "template: 1:31: unexpected EOF"),
        ("{{define \"x\"}}{{end}}{{template \"x\" | }}", "template: 1:37: missing value for template clause"),
        ("{{break}}", "template: 1:3: {{break}} outside {{range}}"),
        ("{{.A | \"x\"}}", "template: 1:8: non executable command in pipeline stage 2"),
        ("line1\n  {{.A.}}", "template: 2:7: unexpected <.> in operand"),
        ("{{(.A}}", "template: 1:6: unclosed left paren"),
        ("{{.A)}}", "template: 1:5: unexpected \")\" in command"),
        ("{{3x}}", "template: 1:3: bad number syntax: \"3x\""),
    ] as [(String, String?)])
    func parseErrors(template: String, expected: String?) throws {
        do {
            let t = try GoTemplate(template)
            // `}}}` is legal: the last brace is text.
            #expect(expected == nil, "parsed \(template) into \(t.definedTemplates)")
        } catch let e as GoTemplate.Error {
            #expect(e.phase == .parse)
            #expect(e.description == expected)
            #expect(!e.description.contains("\n"))
        }
    }

    @Test(arguments: [
        ("{{.Nothing.X}}", "template: 1:3: executing at <.Nothing.X>: nil pointer evaluating interface {}.X"),
        ("{{.Name.X}}", "template: 1:3: executing at <.Name.X>: can't evaluate field X in type string"),
        ("{{index .List 7}}", "template: 1:3: executing at <index .List 7>: error calling index: index out of range: 7"),
        ("{{range .Name}}{{end}}", "template: 1:3: executing at <range .Name>: range can't iterate over lab1"),
        ("{{template \"nope\"}}", "template: 1:3: executing at <template \"nope\">: template \"nope\" not defined"),
        ("{{.Name 1}}", "template: 1:3: executing at <.Name 1>: can't give argument to non-function .Name"),
        ("{{lt .Name 1}}", "template: 1:3: executing at <lt .Name 1>: error calling lt: incompatible types for comparison"),
        ("{{upper .Port}}", "template: 1:3: executing at <upper .Port>: error calling upper: expected string; found 2376"),
        ("{{len 3}}", "template: 1:3: executing at <len 3>: error calling len: len of type int"),
    ])
    func executionErrors(template: String, expected: String) throws {
        let t = try GoTemplate(template)
        #expect {
            try t.execute(GoTemplateTests.data)
        } throws: { error in
            (error as? GoTemplate.Error)?.description == expected
        }
    }

    @Test func missingKeyErrorOption() throws {
        let t = try GoTemplate("ExecStart={{.Agent.Binary}}", name: "berthd.service")
        #expect(try t.execute(["Agent": ["Binary": "/usr/local/bin/berthd"]], missingKey: .error)
                == "ExecStart=/usr/local/bin/berthd")
        #expect {
            try t.execute(["Agent": [:]], missingKey: .error)
        } throws: { error in
            (error as? GoTemplate.Error)?.description
                == "template: berthd.service:1:13: executing at <.Agent.Binary>: map has no entry for key \"Binary\""
        }
    }

    @Test func errorNamesTemplateAndLine() throws {
        #expect {
            try GoTemplate("[Unit]\nDescription={{.Desc}\n", name: "unit")
        } throws: { error in
            let e = error as? GoTemplate.Error
            return e?.line == 2 && e?.name == "unit" && e?.description.hasPrefix("template: unit:2:") == true
        }
    }

    @Test(arguments: [
        (0.0, "0"), (1.0, "1"), (-2.5, "-2.5"), (0.1, "0.1"), (123456.0, "123456"), (1e6, "1e+06"),
        (1234567.0, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"), (1e21, "1e+21"),
    ])
    func floatsPrintLikeGo(value: Double, expected: String) {
        #expect(GoTemplate.formatFloat(value) == expected)
    }

    @Test(arguments: [
        (1.0, "1"), (1e20, "100000000000000000000"), (1e21, "1e+21"), (1e-7, "1e-7"), (0.000001, "0.000001"),
        (-0.5, "-0.5"),
    ])
    func jsonFloatsLikeGo(value: Double, expected: String) {
        #expect(GoTemplate.formatJSONFloat(value) == expected)
    }

    @Test(arguments: [
        ("plain", #""plain""#), ("a\"b\\c", #""a\"b\\c""#), ("tab\tnl\n", #""tab\tnl\n""#),
        ("\u{01}", #""\x01""#), ("é ü", "\"é ü\""), ("\u{A0}", #""\u00a0""#),
    ])
    func quotesLikeStrconv(value: String, expected: String) {
        #expect(GoTemplate.quote(value) == expected)
    }

    @Test func valueDecodesJSONKinds() throws {
        let v = try GoTemplate.Value(json: Data(#"{"a":1,"b":1.5,"c":true,"d":null,"e":[1,"x"],"f":{}}"#.utf8))
        #expect(v == ["a": 1, "b": 1.5, "c": true, "d": nil, "e": [1, "x"], "f": [:]])
        #expect(try render("{{.a}} {{.b}} {{.c}} {{.d}} {{.e}} {{.f}}", v) == "1 1.5 true <no value> [1 x] map[]")
    }

    @Test func rendersAProvisionerStyleFile() throws {
        let text = """
            [Unit]
            Description=Berth agent for {{.Name}}
            {{- range .After}}
            After={{.}}
            {{- end}}

            [Service]
            ExecStart={{.Binary}} --tls{{range $k, $v := .Flags}} --{{$k}}={{$v}}{{end}}
            {{- if .Restart}}
            Restart=always
            {{- end}}
            """
        let out = try GoTemplate(text, name: "berthd.service").execute(
            ["Name": "lab1", "After": ["network.target", "local-fs.target"], "Binary": "/usr/bin/berthd",
             "Flags": ["port": 2376, "data": "/var/lib/berth"], "Restart": true], missingKey: .error)
        #expect(out == """
            [Unit]
            Description=Berth agent for lab1
            After=network.target
            After=local-fs.target

            [Service]
            ExecStart=/usr/bin/berthd --tls --data=/var/lib/berth --port=2376
            Restart=always
            """)
    }
}
