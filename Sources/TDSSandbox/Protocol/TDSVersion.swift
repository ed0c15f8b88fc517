/// A TDS protocol version as LOGIN7 and LOGINACK carry it (e.g. `0x74000004` for 7.4).
struct TDSVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The version number in the order LOGINACK sends it (big-endian on the wire there, little-endian in LOGIN7).
    var rawValue: UInt32

    static let v7_1 = TDSVersion(rawValue: 0x7100_0001)
    static let v7_2 = TDSVersion(rawValue: 0x7209_0002)
    static let v7_3A = TDSVersion(rawValue: 0x730A_0003)
    static let v7_3B = TDSVersion(rawValue: 0x730B_0003)
    static let v7_4 = TDSVersion(rawValue: 0x7400_0004)

    /// The major/minor pair, e.g. 0x74 for 7.4.
    var majorMinor: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 24) }

    /// ROW counts in DONE tokens are 8 bytes from 7.2 on.
    var hasLongRowCounts: Bool { majorMinor >= 0x72 }
    /// COLMETADATA and RETURNVALUE user types are 4 bytes from 7.2 on.
    var hasLongUserTypes: Bool { majorMinor >= 0x72 }
    /// Requests start with ALL_HEADERS from 7.2 on.
    var hasAllHeaders: Bool { majorMinor >= 0x72 }
    /// DATE, TIME, DATETIME2 and DATETIMEOFFSET exist from 7.3 on.
    var hasDateTimeTypes: Bool { majorMinor >= 0x73 }
    /// NBCROW exists from 7.3 on.
    var hasNullBitmapRows: Bool { majorMinor >= 0x73 }

    /// The version the server answers a client's LOGIN7 version with: 7.4 for 7.4 and newer, the client's own
    /// 7.1–7.3 version, `nil` for 7.0 and older (not supported).
    static func negotiate(clientVersion raw: UInt32) -> TDSVersion? {
        let major = UInt8(truncatingIfNeeded: raw >> 24)
        switch major {
        case 0x74...0x7F: return .v7_4
        case 0x73: return raw == v7_3A.rawValue ? .v7_3A : .v7_3B
        case 0x72: return .v7_2
        case 0x71: return .v7_1
        default: return nil
        }
    }

    static func < (lhs: TDSVersion, rhs: TDSVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    var description: String {
        "\(majorMinor >> 4).\(majorMinor & 0x0F)"
    }
}
