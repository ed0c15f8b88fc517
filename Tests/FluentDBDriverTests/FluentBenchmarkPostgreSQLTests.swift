import FluentBenchmark
import XCTest

/// fluent-kit's own conformance suite, every group of `FluentBenchmarker.testAll()`, over the real wire against
/// PostgreSQL (PGDriver). XCTest, because the suite reports through XCTest assertions; the test methods are
/// synchronous because the suite blocks on futures.
final class FluentBenchmarkPostgreSQLTests: XCTestCase {
    let backend = FluentBenchmarkBackend.postgres
    func testAggregate() throws { try backend.run { try $0.testAggregate() } }
    func testArray() throws { try backend.run { try $0.testArray() } }
    func testBatch() throws { try backend.run { try $0.testBatch() } }
    func testChild() throws { try backend.run { try $0.testChild() } }
    func testChildren() throws { try backend.run { try $0.testChildren() } }
    func testCodable() throws { try backend.run { try $0.testCodable() } }
    func testChunk() throws { try backend.run { try $0.testChunk() } }
    func testCompositeID() throws { try backend.run { try $0.testCompositeID() } }
    func testCRUD() throws { try backend.run { try $0.testCRUD() } }
    func testEagerLoad() throws { try backend.run { try $0.testEagerLoad() } }
    func testEnum() throws { try backend.run { try $0.testEnum() } }
    func testFilter() throws { try backend.run { try $0.testFilter() } }
    func testGroup() throws { try backend.run { try $0.testGroup() } }
    func testID() throws { try backend.run { try $0.testID() } }
    func testJoin() throws { try backend.run { try $0.testJoin() } }
    func testMiddleware() throws { try backend.run { try $0.testMiddleware() } }
    func testMigrator() throws { try backend.run { try $0.testMigrator() } }
    func testModel() throws { try backend.run { try $0.testModel() } }
    func testOptionalParent() throws { try backend.run { try $0.testOptionalParent() } }
    func testPagination() throws { try backend.run { try $0.testPagination() } }
    func testParent() throws { try backend.run { try $0.testParent() } }
    func testPerformance() throws { try backend.run { try $0.testPerformance() } }
    func testRange() throws { try backend.run { try $0.testRange() } }
    func testSchema() throws { try backend.run { try $0.testSchema() } }
    func testSet() throws { try backend.run { try $0.testSet() } }
    func testSiblings() throws { try backend.run { try $0.testSiblings() } }
    func testSoftDelete() throws { try backend.run { try $0.testSoftDelete() } }
    func testSort() throws { try backend.run { try $0.testSort() } }
    func testSQL() throws { try backend.run { try $0.testSQL() } }
    func testTimestamp() throws { try backend.run { try $0.testTimestamp() } }
    func testTransaction() throws { try backend.run { try $0.testTransaction() } }
    func testUnique() throws { try backend.run { try $0.testUnique() } }
}
