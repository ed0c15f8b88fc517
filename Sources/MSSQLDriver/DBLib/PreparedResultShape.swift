import CSybDB
import DBCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The described first result set of a prepared statement (``DBLibHandle/lastPreparedResult``), kept so that the
/// next run of the same handle does not describe its columns again: `dbtablecolinfo` (the server's type, through
/// a formatted type declaration) and the `ColumnDescription` values cost about as much as the rest of a point
/// SELECT's client work.
///
/// Reused only for the same handle, with no other statement in between on the connection (which forgets it), and
/// only when what DB-Library says of each column cheaply still matches: its name, type, length, precision, scale
/// and `dbvarylen`. What that check cannot see is a change of the server's own type or of nullability alone
/// (another session's `ALTER TABLE` between two runs of the statement). A class: reading it on every run retains
/// one object, where a struct of eight arrays was copied (eight retains and releases).
final class PreparedResultShape {
    /// The prepared statement's handle.
    let handle: Int32
    /// The columns as described, and their DB-Library types.
    let descriptions: [ColumnDescription]
    let types: [Int]
    /// Per column: the name's bytes (NUL-terminated), `dbcollen`, `dbcoltypeinfo`'s precision and scale (-1
    /// without), `dbvarylen`.
    private let names: [[CChar]]
    private let lengths: [Int32]
    private let precisions: [Int32]
    private let scales: [Int32]
    private let varying: [Int32]

    /// Records the current result set of `dbproc`, described as `descriptions` with `types`.
    init(_ dbproc: OpaquePointer, handle: Int32, descriptions: [ColumnDescription], types: [Int]) {
        self.handle = handle
        self.descriptions = descriptions
        self.types = types
        var names: [[CChar]] = []
        var lengths: [Int32] = []
        var precisions: [Int32] = []
        var scales: [Int32] = []
        var varying: [Int32] = []
        for index in 0..<types.count {
            let column = Int32(index + 1)
            let name = dbcolname(dbproc, column)
            names.append(name.map { Array(UnsafeBufferPointer(start: $0, count: strlen($0) + 1)) } ?? [0])
            lengths.append(dbcollen(dbproc, column))
            let info = dbcoltypeinfo(dbproc, column)
            precisions.append(info.map { $0.pointee.precision } ?? -1)
            scales.append(info.map { $0.pointee.scale } ?? -1)
            varying.append(dbvarylen(dbproc, column))
        }
        (self.names, self.lengths, self.precisions, self.scales, self.varying) =
            (names, lengths, precisions, scales, varying)
    }

    /// Whether the current result set of `dbproc`, of `count` columns, matches the one recorded.
    func matches(_ dbproc: OpaquePointer, count: Int) -> Bool {
        guard count == types.count else { return false }
        for index in 0..<count {
            let column = Int32(index + 1)
            guard Int(dbcoltype(dbproc, column)) == types[index], dbcollen(dbproc, column) == lengths[index],
                dbvarylen(dbproc, column) == varying[index]
            else { return false }
            let info = dbcoltypeinfo(dbproc, column)
            guard (info.map { $0.pointee.precision } ?? -1) == precisions[index],
                (info.map { $0.pointee.scale } ?? -1) == scales[index]
            else { return false }
            guard let name = dbcolname(dbproc, column),
                names[index].withUnsafeBufferPointer({ strcmp($0.baseAddress!, name) == 0 })
            else { return false }
        }
        return true
    }
}
