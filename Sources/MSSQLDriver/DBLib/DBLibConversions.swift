import CSybDB

/// FreeTDS's own conversions, used to check the pure codecs against the C library.
enum DBLibConversions {
    /// The `DBDECIMAL` FreeTDS's `dbconvert_ps` makes from decimal text at a precision and scale, or `nil`.
    static func decimalBytes(text: String, precision: Int, scale: Int) -> [UInt8]? {
        _ = DBLibEnvironment.shared
        var result = DBDECIMAL()
        var info = DBTYPEINFO(precision: DBINT(precision), scale: DBINT(scale))
        let source = Array(text.utf8)
        let length = source.withUnsafeBufferPointer { buffer in
            withUnsafeMutableBytes(of: &result) { out in
                dbconvert_ps(
                    nil, Int32(SYBCHAR), buffer.baseAddress, DBINT(buffer.count), Int32(SYBDECIMAL),
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), DBINT(out.count), &info)
            }
        }
        guard length > 0 else { return nil }
        return withUnsafeBytes(of: &result) { Array($0) }
    }

    /// The bytes of a C `DBDATETIMEALL` filled field by field (bit-fields included), to check the byte layout.
    static func dateTimeAllBytes(
        time: UInt64, date: Int32, offset: Int16, precision: UInt16, hasTime: Bool, hasDate: Bool, hasOffset: Bool
    ) -> [UInt8] {
        var value = DBDATETIMEALL()
        value.time = time
        value.date = date
        value.offset = offset
        value.time_prec = precision
        value.has_time = hasTime ? 1 : 0
        value.has_date = hasDate ? 1 : 0
        value.has_offset = hasOffset ? 1 : 0
        return withUnsafeBytes(of: &value) { Array($0) }
    }
}
