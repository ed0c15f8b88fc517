import DBCore

/// Maps SQL Server message numbers and DB-Library error numbers to portable ``DatabaseError/Kind`` values.
enum MSSQLErrorMapping {
    /// DB-Library's own error numbers that matter here (values from FreeTDS's `sybdb.h`).
    enum DBLibNumber {
        /// SYBEFCON: SQL Server connection failed.
        static let connectionFailed = 20002
        /// SYBETIME: SQL Server connection timed out.
        static let timeout = 20003
        /// SYBEREAD: read from SQL Server failed.
        static let readFailed = 20004
        /// SYBEWRIT: write to SQL Server failed.
        static let writeFailed = 20006
        /// SYBESOCK: unable to open socket.
        static let socketOpen = 20008
        /// SYBECONN: unable to connect socket.
        static let socketConnect = 20009
        /// SYBEUHST: unknown host machine name.
        static let unknownHost = 20013
        /// SYBEPWD: incorrect password.
        static let badPassword = 20014
        /// SYBESEOF: unexpected EOF from SQL Server.
        static let unexpectedEOF = 20017
        /// SYBESMSG: general SQL Server error, check the messages from the server.
        static let serverMessage = 20018
        /// SYBEBTOK: bad token from SQL Server, data-stream processing out of sync.
        static let badToken = 20020
        /// SYBEDDNE: DBPROCESS is dead or not enabled.
        static let deadProcess = 20047
    }

    /// The kind of a server message by its number; `message` tells FOREIGN KEY from CHECK for 547.
    static func kind(serverNumber number: Int, message: String) -> DatabaseError.Kind {
        switch number {
        case 18456, 18452, 18470, 18486, 18487, 18488, 4060: return .authenticationFailed
        case 2627, 2601: return .uniqueViolation
        case 547:
            return message.uppercased().contains("FOREIGN KEY") ? .foreignKeyViolation : .checkViolation
        case 515: return .notNullViolation
        case 208: return .undefinedTable
        case 207: return .undefinedColumn
        case 102, 103, 104, 105, 111, 156, 170, 195, 319, 1038: return .syntaxError
        case 2628, 8152, 8134, 8115, 245, 241, 242, 220, 232, 248, 293, 295, 517, 8114, 8117, 8169, 9809:
            return .dataException
        case 1205, 3960: return .transactionConflict
        case 229, 230, 262, 297, 300: return .permissionDenied
        default: return .other
        }
    }

    /// The kind of a DB-Library error by its number.
    static func kind(dblibNumber number: Int) -> DatabaseError.Kind {
        switch number {
        case DBLibNumber.timeout: return .timeout
        case DBLibNumber.connectionFailed, DBLibNumber.socketOpen, DBLibNumber.socketConnect, DBLibNumber.unknownHost:
            return .connectionFailed
        case DBLibNumber.badPassword: return .authenticationFailed
        case DBLibNumber.readFailed, DBLibNumber.writeFailed, DBLibNumber.unexpectedEOF, DBLibNumber.deadProcess,
            DBLibNumber.badToken:
            return .connectionLost
        default: return .other
        }
    }

    /// Whether a DB-Library error only points at server messages already reported through the message handler.
    static func isAggregate(dblibNumber number: Int) -> Bool {
        number == DBLibNumber.serverMessage
    }
}
