import DBCore
import Testing

@Suite("SQLJSON")
struct SQLJSONTests {
    struct Tags: Codable, Equatable {
        var colors: [String]
        var weight: Double?
        var url: String
    }

    @Test func encodesSortedAndDecodes() throws {
        let tags = Tags(colors: ["red", "yellow"], weight: 1.5, url: "a/b")
        let json = try SQLJSON(encoding: tags)
        #expect(json.text == #"{"colors":["red","yellow"],"url":"a/b","weight":1.5}"#)
        #expect(json.sqlValue == .json(json.text))
        #expect(try json.decode(Tags.self) == tags)
        let inferred: Tags = try json.decode()
        #expect(inferred == tags)
        #expect(json.description == json.text)
    }

    @Test func readsFromJSONAndText() throws {
        #expect(try SQLJSON(sqlValue: .json("[1,2]")).decode([Int].self) == [1, 2])
        #expect(try SQLJSON(sqlValue: .string(#"{"a":null}"#)).text == #"{"a":null}"#)
        #expect(try SQLJSON?(sqlValue: .null) == nil)
        expectMismatch(["NULL", "SQLJSON"]) { _ = try SQLJSON(sqlValue: .null) }
        expectMismatch(["int"]) { _ = try SQLJSON(sqlValue: .int(1)) }
    }

    @Test func decodingErrorsAreTypeMismatches() {
        expectMismatch(["Tags"]) { _ = try SQLJSON("not json").decode(Tags.self) }
        expectMismatch(["Tags"]) { _ = try SQLJSON(#"{"colors":1}"#).decode(Tags.self) }
    }

    @Test func encodingErrorsAreTypeMismatches() {
        expectMismatch(["JSON"]) { _ = try SQLJSON(encoding: Double.nan) }
    }

    @Test func hashableByText() {
        #expect(SQLJSON("[1]") == SQLJSON("[1]"))
        #expect(SQLJSON("[1]") != SQLJSON("[ 1 ]"))
        #expect(Set([SQLJSON("1"), SQLJSON("1"), SQLJSON("2")]).count == 2)
    }
}
