/// A bounded dictionary that remembers the order of use: looking a key up makes it the most recently used, and
/// inserting beyond the capacity evicts the least recently used entry. Every operation is O(1) (a dictionary of
/// slot indices plus a doubly linked list through the slots). The drivers' prepared-statement caches use it, on
/// every statement: it is `@inlinable` so that they get code specialised for their key type (unspecialised
/// generic code across the module boundary cost about 1,300 instructions per look-up).
package struct LRUTable<Key: Hashable, Value> {
    @usableFromInline
    struct Slot {
        @usableFromInline var key: Key
        @usableFromInline var value: Value
        @usableFromInline var older: Int
        @usableFromInline var newer: Int

        @inlinable
        init(key: Key, value: Value, older: Int, newer: Int) {
            self.key = key
            self.value = value
            self.older = older
            self.newer = newer
        }
    }

    /// The most entries kept.
    package let capacity: Int
    @usableFromInline var index: [Key: Int] = [:]
    @usableFromInline var slots: [Slot] = []
    @usableFromInline var free: [Int] = []
    /// The most and least recently used slots, -1 when empty.
    @usableFromInline var newest = -1
    @usableFromInline var oldest = -1

    /// An empty table keeping at most `capacity` entries (at least 1).
    @inlinable
    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries.
    @inlinable
    package var count: Int { index.count }

    /// The value for `key`, which becomes the most recently used; `nil` when absent.
    @inlinable
    package mutating func use(_ key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToNewest(slot)
        return slots[slot].value
    }

    /// The value for `key` without changing the order.
    @inlinable
    package func peek(_ key: Key) -> Value? {
        index[key].map { slots[$0].value }
    }

    /// Changes `key`'s value in place, without changing the order.
    @inlinable
    package mutating func update(_ key: Key, _ body: (inout Value) -> Void) {
        guard let slot = index[key] else { return }
        body(&slots[slot].value)
    }

    /// Stores `value` under `key` as the most recently used entry; returns the entry evicted to make room.
    @inlinable @discardableResult
    package mutating func insert(_ key: Key, _ value: Value) -> (key: Key, value: Value)? {
        if let slot = index[key] {
            slots[slot].value = value
            moveToNewest(slot)
            return nil
        }
        var evicted: (key: Key, value: Value)?
        if index.count >= capacity, oldest >= 0 {
            let victim = oldest
            evicted = (slots[victim].key, slots[victim].value)
            unlink(victim)
            index[slots[victim].key] = nil
            free.append(victim)
        }
        let slot: Int
        if let reused = free.popLast() {
            slots[reused] = Slot(key: key, value: value, older: -1, newer: -1)
            slot = reused
        } else {
            slots.append(Slot(key: key, value: value, older: -1, newer: -1))
            slot = slots.count - 1
        }
        index[key] = slot
        linkAsNewest(slot)
        return evicted
    }

    /// Removes `key`'s entry and returns its value.
    @inlinable @discardableResult
    package mutating func remove(_ key: Key) -> Value? {
        guard let slot = index.removeValue(forKey: key) else { return nil }
        unlink(slot)
        free.append(slot)
        return slots[slot].value
    }

    /// Every entry, most recently used first.
    @inlinable
    package var entries: [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        result.reserveCapacity(index.count)
        var slot = newest
        while slot >= 0 {
            result.append((slots[slot].key, slots[slot].value))
            slot = slots[slot].older
        }
        return result
    }

    /// Removes every entry.
    @inlinable
    package mutating func removeAll() {
        index.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        free.removeAll(keepingCapacity: true)
        newest = -1
        oldest = -1
    }

    @inlinable
    mutating func moveToNewest(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAsNewest(slot)
    }

    @inlinable
    mutating func linkAsNewest(_ slot: Int) {
        slots[slot].older = newest
        slots[slot].newer = -1
        if newest >= 0 { slots[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    @inlinable
    mutating func unlink(_ slot: Int) {
        let older = slots[slot].older
        let newer = slots[slot].newer
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        slots[slot].older = -1
        slots[slot].newer = -1
    }
}
