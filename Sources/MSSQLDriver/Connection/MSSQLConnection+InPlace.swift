import DBCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension MSSQLConnection {
    /// Runs `body` (it reads rows in place and calls a ``MSSQLCursor/forEachRowView(_:)`` body) marking this thread as
    /// the one that holds `lock`; call it inside ``withHandle(owner:claim:_:)``. From that thread, calls on the
    /// connection then do not wait for the lock they would never get: those that need the `DBPROCESS` throw
    /// `misuse`, state reads and writes go ahead (the lock is this thread's), and ``close()`` or the reading
    /// cursor's release wait for the end of `body`, done here.
    func readingInPlace<T>(_ body: () throws -> T) rethrows -> T {
        inPlaceReader.store(Self.currentThreadID, ordering: .relaxed)
        defer {
            inPlaceReader.store(0, ordering: .relaxed)
            finishDeferred()
        }
        return try body()
    }

    /// Whether this thread holds `lock` for a view body (``readingInPlace(_:)``). Another thread never sees its
    /// own identifier there, so a relaxed load is enough.
    var isReadingInPlaceHere: Bool {
        let reader = inPlaceReader.load(ordering: .relaxed)
        return reader != 0 && reader == Self.currentThreadID
    }

    /// Runs `body` on state guarded by `lock`: under the lock, or directly on the thread that already holds it for
    /// a view body.
    func withState<T>(_ body: () throws -> T) rethrows -> T {
        if isReadingInPlaceHere { return try body() }
        return try lock.withLock(body)
    }

    /// This thread's identifier (never 0).
    static var currentThreadID: UInt {
        #if canImport(Darwin)
            UInt(bitPattern: pthread_self())
        #else
            UInt(pthread_self())
        #endif
    }
}
