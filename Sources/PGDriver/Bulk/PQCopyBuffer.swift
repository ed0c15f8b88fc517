/// A growable byte buffer for binary COPY data: big-endian integers and raw bytes appended without per-value
/// allocations, handed to `PQputCopyData` when full.
///
/// Owns its memory; not copyable by value semantics (a class), used by one copy at a time.
final class PQCopyBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1 << 18) {
        self.capacity = capacity
        self.base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Forgets the contents, keeping the memory.
    func removeAll() { count = 0 }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func append<T: FixedWidthInteger>(bigEndian value: T) {
        reserve(MemoryLayout<T>.size)
        base.storeBytes(of: value.bigEndian, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    @inline(__always)
    func append(byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// A field: its int32 length, then its bytes.
    func appendField(_ bytes: UnsafeRawBufferPointer) {
        append(bigEndian: Int32(bytes.count))
        append(bytes)
    }

    /// A text field: its UTF-8 length, then its UTF-8 bytes, with an optional prefix byte (jsonb's version).
    func appendTextField(_ text: String, prefix: UInt8? = nil) {
        let utf8 = text.utf8
        let length = utf8.count + (prefix == nil ? 0 : 1)
        append(bigEndian: Int32(length))
        if let prefix { append(byte: prefix) }
        let done: Void? = utf8.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        if done == nil {
            reserve(utf8.count)
            for byte in utf8 { append(byte: byte) }
        }
    }

    /// A NULL field (length -1).
    func appendNull() { append(bigEndian: Int32(-1)) }
}
