/// Token types of the tabular result stream ([MS-TDS] 2.2.7).
enum TDSToken: UInt8 {
    case returnStatus = 0x79
    case columnMetadata = 0x81
    case order = 0xA9
    case error = 0xAA
    case info = 0xAB
    case returnValue = 0xAC
    case loginAck = 0xAD
    case featureExtAck = 0xAE
    case row = 0xD1
    case nbcRow = 0xD2
    case envChange = 0xE3
    case done = 0xFD
    case doneProc = 0xFE
    case doneInProc = 0xFF
}

/// DONE status bits.
struct TDSDoneStatus: OptionSet, Sendable, Hashable {
    let rawValue: UInt16
    static let more = TDSDoneStatus(rawValue: 0x0001)
    static let error = TDSDoneStatus(rawValue: 0x0002)
    static let inTransaction = TDSDoneStatus(rawValue: 0x0004)
    static let count = TDSDoneStatus(rawValue: 0x0010)
    static let attention = TDSDoneStatus(rawValue: 0x0020)
    static let serverError = TDSDoneStatus(rawValue: 0x0100)
}

/// The `CurCmd` values the sandbox puts in DONE tokens.
enum TDSCurrentCommand {
    static let none: UInt16 = 0x00
    static let select: UInt16 = 0xC1
    static let execute: UInt16 = 0xE0
}
