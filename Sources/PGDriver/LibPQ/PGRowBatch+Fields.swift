import CLibPQ

extension PGRowView {
    /// Replaces `bytes` with field `column`'s bytes as they arrived, as ``copyBytes(_:into:)`` does, in one copy of
    /// memory: the array is only resized when its length differs from the field's (the values of a text column
    /// often share a length), so a reader that copies field after field into one work array pays no collection
    /// bookkeeping per field.
    package func copyField(_ column: Int, into bytes: inout [UInt8]) {
        let count = Int(PQgetlength(result.pointer, row, Int32(column)))
        if bytes.count > count {
            bytes.removeSubrange(count...)
        } else if bytes.count < count {
            bytes.append(contentsOf: repeatElement(0, count: count - bytes.count))
        }
        guard count > 0, let start = PQgetvalue(result.pointer, row, Int32(column)) else { return }
        bytes.withUnsafeMutableBytes { target in
            target.baseAddress?.copyMemory(from: start, byteCount: count)
        }
    }
}
