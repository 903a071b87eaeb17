@testable import BerthAgent
import Testing

@Suite("Request parsing")
struct RequestParsingTests {
    @Test func queryFollowsGoParseQuery() {
        let request = Request(method: .GET, target: "/containers/json?all=1&filters=%7B%22a%22%3A1%7D&name=a+b&x&x=2")
        #expect(request.path == "/containers/json")
        #expect(request.query["filters"] == #"{"a":1}"#)
        #expect(request.query["name"] == "a b")
        #expect(request.query.values("x") == ["", "2"])
        #expect(request.query["missing"] == nil)
    }

    @Test(arguments: [("1", true), ("true", true), ("True", true), ("yes", true), ("0", false), ("false", false),
                      ("no", false), ("none", false), ("", false), (" 0 ", false)])
    func booleansFollowDockerd(value: String, expected: Bool) {
        #expect(QueryParameters(Substring("all=\(value)")).bool("all") == expected)
    }

    @Test func absentBoolIsFalseAndIntsAreChecked() throws {
        let query = QueryParameters("tail=10&h=x")
        #expect(!query.bool("all"))
        #expect(try query.int("tail") == 10)
        #expect(try query.int("missing") == nil)
        #expect(throws: APIError.self) { try query.int("h") }
    }

    @Test func malformedEscapesStayLiteral() {
        #expect(QueryParameters("a=%zz%4").values("a") == ["%zz%4"])
        #expect(PercentDecoding.decode("caf%C3%A9") == "café")
    }

    @Test func absoluteFormTargetKeepsPath() {
        let request = Request(method: .GET, target: "http://docker/v1.47/_ping?x=1")
        #expect(request.path == "/v1.47/_ping")
        #expect(request.query["x"] == "1")
    }

    @Test(arguments: [("1.47", "1.47"), ("1.9", "1.9"), ("1", "1.0")])
    func apiVersionsParse(text: String, expected: String) {
        #expect(APIVersion(text)?.description == expected)
    }

    @Test(arguments: ["", "1.", ".1", "1.2.3", "a.b", "-1.2", "1.99999999999999999999"])
    func apiVersionsRejectJunk(text: String) {
        #expect(APIVersion(text) == nil)
    }

    @Test func apiVersionsOrderNumerically() {
        #expect(APIVersion(major: 1, minor: 9) < APIVersion(major: 1, minor: 24))
        #expect(APIVersion(major: 2, minor: 0) > APIVersion(major: 1, minor: 47))
    }
}
