import DBCore
import NIOCore
import Testing

@testable import TDSSandbox

@Suite("Protocol: MONEY and SMALLMONEY at their extremes")
struct ProtocolMoneyExtremesTests {
    @Test(arguments: [
        (SQLDecimal("-922337203685477.5808")!, TSQLType.money), (SQLDecimal("922337203685477.5807")!, .money),
        (SQLDecimal("-214748.3648")!, .smallmoney), (SQLDecimal("214748.3647")!, .smallmoney),
    ])
    func extremes(_ value: SQLDecimal, _ type: TSQLType) throws {
        var buffer = ByteBuffer()
        try type.writeTypeInfo(into: &buffer)
        try TDSValueEncoder.write(.decimal(value), as: type, into: &buffer)
        let (decodedType, decoded) = try TDSValueDecoder.readTypedValue(&buffer)
        #expect(decodedType == type)
        #expect(decoded == .decimal(value))
    }

    @Test("one unit beyond the minimum overflows with 8115")
    func beyondMinimum() {
        var buffer = ByteBuffer()
        #expect(throws: TDSValueError.overflow(.money)) {
            try TDSValueEncoder.write(.decimal(SQLDecimal("-922337203685477.5809")!), as: .money, into: &buffer)
        }
    }
}
