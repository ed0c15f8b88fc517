#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A monotonic clock reading as a plain integer, for the deadlines ``DBLibMessages`` keeps on every DB-Library
/// wait (a `ContinuousClock.Instant?` field costs value-witness calls each time it is set).
enum MonotonicTime {
    /// Nanoseconds on `CLOCK_MONOTONIC` (not related to the wall clock; only differences mean anything).
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// `milliseconds` (whole, not negative) in nanoseconds, at most about 146 years.
    static func nanoseconds(milliseconds: Double) -> UInt64 {
        milliseconds < 4.6e12 ? UInt64(max(milliseconds, 0)) &* 1_000_000 : 4_600_000_000_000_000_000
    }

    /// `duration` (not negative) in nanoseconds.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(seconds, 0)) &* 1_000_000_000 &+ UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
