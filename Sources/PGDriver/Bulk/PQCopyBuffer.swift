import Foundation

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

    @inline(never)
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

    /// A fixed-size field: its length, then the value in network order, with one capacity check.
    @inline(__always)
    func appendFixed<T: FixedWidthInteger>(_ value: T) {
        reserve(4 + MemoryLayout<T>.size)
        base.storeBytes(of: Int32(MemoryLayout<T>.size).bigEndian, toByteOffset: count, as: Int32.self)
        base.storeBytes(of: value.bigEndian, toByteOffset: count + 4, as: T.self)
        count += 4 + MemoryLayout<T>.size
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
    /// Returns `false`, leaving the buffer as it was, when the text contains NUL (which PostgreSQL text cannot).
    @inline(__always)
    func appendTextField(_ text: String, prefix: UInt8? = nil) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in appendTextField(UnsafeRawBufferPointer(utf8), prefix: prefix) }
    }

    private func appendTextField(_ utf8: UnsafeRawBufferPointer, prefix: UInt8?) -> Bool {
        let extra = prefix == nil ? 0 : 1
        let length = utf8.count + extra
        reserve(4 + length)
        let start = count
        base.storeBytes(of: Int32(truncatingIfNeeded: length).bigEndian, toByteOffset: start, as: Int32.self)
        if let prefix { base.storeBytes(of: prefix, toByteOffset: start + 4, as: UInt8.self) }
        guard let source = utf8.baseAddress, utf8.count > 0 else {
            count = start + 4 + length
            return true
        }
        let target = base + (start + 4 + extra)
        target.copyMemory(from: source, byteCount: utf8.count)
        if memchr(target, 0, utf8.count) != nil { return false }
        count = start + 4 + length
        return true
    }

    /// Counts `bytes` more bytes as written (in place, after ``reserve(_:)``).
    @inline(__always)
    func advance(by bytes: Int) { count += bytes }

    /// A NULL field (length -1).
    func appendNull() { append(bigEndian: Int32(-1)) }
}
