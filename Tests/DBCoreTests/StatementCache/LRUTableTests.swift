import DBCore
import Testing

@Suite("LRUTable and StatementCacheSettings")
struct LRUTableTests {
    @Test("evicts the least recently used entry; use and insert refresh an entry, peek and update do not")
    func evictionOrder() {
        var table = LRUTable<String, Int>(capacity: 3)
        #expect(table.insert("a", 1) == nil)
        #expect(table.insert("b", 2) == nil)
        #expect(table.insert("c", 3) == nil)
        #expect(table.use("a") == 1)  // order now a, c, b
        #expect(table.peek("b") == 2)  // no change
        table.update("b") { $0 = 20 }
        let evicted = table.insert("d", 4)
        #expect(evicted?.key == "b" && evicted?.value == 20)
        #expect(table.entries.map(\.key) == ["d", "a", "c"])
        #expect(table.insert("c", 30) == nil)  // an existing key: replaced and refreshed, nothing evicted
        #expect(table.entries.map(\.key) == ["c", "d", "a"])
        #expect(table.insert("e", 5)?.key == "a")
        #expect(table.count == 3)
    }

    @Test("removing frees a slot that a later insert reuses; removeAll empties the table")
    func removal() {
        var table = LRUTable<Int, String>(capacity: 2)
        table.insert(1, "one")
        table.insert(2, "two")
        #expect(table.remove(1) == "one")
        #expect(table.remove(1) == nil)
        #expect(table.use(1) == nil)
        #expect(table.insert(3, "three") == nil)
        #expect(table.entries.map(\.key) == [3, 2])
        #expect(table.insert(4, "four")?.key == 2)
        table.removeAll()
        #expect(table.count == 0 && table.entries.isEmpty)
        table.insert(5, "five")
        #expect(table.entries.map(\.key) == [5])
    }

    @Test("many inserts keep the bound and the order (a capacity of one, too)")
    func bound() {
        var table = LRUTable<Int, Int>(capacity: 1)
        for i in 0..<10 { table.insert(i, i) }
        #expect(table.entries.map(\.key) == [9])
        var large = LRUTable<Int, Int>(capacity: 50)
        for i in 0..<500 { large.insert(i, i) }
        #expect(large.count == 50)
        #expect(large.entries.map(\.key) == Array((450..<500).reversed()))
    }

    @Test("settings: psycopg's option names, defaults, 'none' switches preparing off, bad values are refused")
    func settings() throws {
        let defaults = try StatementCacheSettings(options: [:])
        #expect(defaults.threshold == 5 && defaults.capacity == 100)
        let custom = try StatementCacheSettings(options: ["prepare_threshold": "0", "prepared_max": "7"])
        #expect(custom.threshold == 0 && custom.capacity == 7)
        #expect(try StatementCacheSettings(options: ["prepare_threshold": "None"]).threshold == nil)
        #expect(try StatementCacheSettings(options: ["prepare_threshold": ""]).threshold == nil)
        for bad in [["prepare_threshold": "-1"], ["prepare_threshold": "often"], ["prepared_max": "0"]] {
            #expect(throws: DatabaseError.self) { try StatementCacheSettings(options: bad) }
        }
        #expect(StatementCacheSettings.isSettingOption("prepare_threshold"))
        #expect(!StatementCacheSettings.isSettingOption("target_session_attrs"))
    }
}
