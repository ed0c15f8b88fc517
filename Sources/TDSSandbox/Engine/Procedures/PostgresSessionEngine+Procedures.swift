import DBCore

/// `RETURN n` inside a procedure, unwinding to the call.
struct ProcedureReturn: Error {
    /// The return status.
    var status: Int32
}

/// An argument of a procedure call, evaluated: by name or position, a value (or `nil` for DEFAULT), and whether
/// the caller asked for the parameter's output value.
struct ProcedureArgumentValue {
    var name: String?
    var value: SQLValue?
    var wantsOutput: Bool
}

extension PostgresSessionEngine {
    /// CREATE / DROP PROCEDURE, EXEC, RETURN n and INSERT BULK in a batch or procedure.
    func runProcedureStatement(
        _ statement: TranslatedStatement, context: inout ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws {
        let line = statement.line
        switch statement.action {
        case .createProcedure(let definition):
            if state.formatOnly { return try emit(.statementDone(rowCount: nil, inProcedure: context.inProcedure)) }
            try beginImplicitTransaction(emit: emit)
            let ok: Void? = try guarded(line: line, verb: "CREATE", emit: emit) {
                try inStatementSavepoint { try createProcedure(definition, line: line) }
            }
            guard ok != nil else { return }
            state.lastError = 0
            try emit(.statementDone(rowCount: nil, inProcedure: context.inProcedure))
        case .dropProcedure(let names, let ifExists):
            if state.formatOnly { return try emit(.statementDone(rowCount: nil, inProcedure: context.inProcedure)) }
            try beginImplicitTransaction(emit: emit)
            let ok: Void? = try guarded(line: line, verb: "DROP", emit: emit) {
                try inStatementSavepoint {
                    for name in names where try !ProcedureCatalog.drop(name, on: connection) && !ifExists {
                        throw SQLServerMessage(
                            number: 3701, severity: 11,
                            message:
                                "Cannot drop the procedure '\(name.spelling)', because it does not exist or you do not have permission."
                        )
                    }
                }
            }
            guard ok != nil else { return }
            state.lastError = 0
            try emit(.statementDone(rowCount: nil, inProcedure: context.inProcedure))
        case .returnValue(let query):
            let value = try guarded(line: line, verb: "RETURN", emit: emit) { try fetchValues(query, context: context) }
            guard let value else { return }
            var status: Int32 = 0
            if case .int(let number)? = value?.first, let narrow = Int32(exactly: number) { status = narrow }
            throw ProcedureReturn(status: status)
        case .execute(let call):
            try executeProcedure(call, line: line, context: &context, emit: emit)
        case .insertBulk(let target):
            try prepareBulkLoad(target, line: line, context: context, emit: emit)
        default:
            break
        }
    }

    private func createProcedure(_ definition: ProcedureDefinition, line: Int) throws {
        let name = definition.name
        guard try ProcedureCatalog.schemaExists(name.schema, on: connection) else {
            throw SQLServerMessage(
                number: 2760, severity: 16,
                message:
                    "The specified schema name \"\(name.schema)\" either does not exist or you do not have permission to use it."
            )
        }
        let exists = try ProcedureCatalog.exists(name, on: connection)
        switch definition.mode {
        case .create where exists:
            throw SQLServerMessage(
                number: 2714, severity: 16,
                message: "There is already an object named '\(name.spelling)' in the database.")
        case .alter where !exists:
            throw SQLServerMessage(
                number: 208, severity: 16, message: "Invalid object name '\(name.spelling)'.")
        default:
            try ProcedureCatalog.store(definition, on: connection)
        }
    }

    /// `EXEC [@rc =] name args` in a batch or procedure: evaluates the arguments, runs the procedure, assigns the
    /// OUTPUT arguments' variables and `@rc`, and reports RETURNSTATUS and the EXEC statement's DONE.
    private func executeProcedure(
        _ call: ProcedureCall, line: Int, context: inout ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws {
        var values: [ProcedureArgumentValue] = []
        for argument in call.arguments {
            var value: SQLValue?
            if let query = argument.value {
                let evaluated = try guarded(line: line, verb: "EXEC", emit: emit) {
                    try fetchValues(query, context: context)?.first
                }
                guard let evaluated else { return }
                value = evaluated ?? .null
            }
            values.append(
                ProcedureArgumentValue(name: argument.name, value: value, wantsOutput: argument.outputVariable != nil))
        }
        let result = try guarded(line: line, verb: "EXEC", emit: emit) { () throws -> (Int32, [ProcedureOutput]) in
            guard let definition = try ProcedureCatalog.load(call.name, on: connection) else {
                throw SQLServerMessage(
                    number: 2812, state: 62, severity: 16,
                    message: "Could not find stored procedure '\(call.name.spelling)'.")
            }
            return try callProcedure(definition, arguments: values, emit: emit)
        }
        guard let (status, outputs) = result else { return }
        for output in outputs {
            guard let variable = call.arguments[output.argument].outputVariable else { continue }
            context.values[variable] = ResultTyping.convert(output.value, to: context.types[variable] ?? .nvarchar(nil))
        }
        if let variable = call.statusVariable {
            context.values[variable] = ResultTyping.convert(.int(Int64(status)), to: context.types[variable] ?? .int)
        }
        state.lastError = 0
        try emit(.returnStatus(status))
        try emit(.statementDone(rowCount: nil, inProcedure: context.inProcedure))
    }

    /// An RPC naming a stored procedure: the parameters bind by name or position; the answer is the body's
    /// results, RETURNSTATUS, then a RETURNVALUE per OUTPUT parameter the client passed by reference (in
    /// declaration order, with the parameter's name and declared type). The protocol layer ends it with DONEPROC.
    func executeProcedureRPC(
        _ procedure: String, parameters: [RPCParameter], emit: (SandboxEvent) throws -> Void
    ) throws -> RequestOutcome {
        guard let name = ProcedureName(text: procedure),
            let definition = try loadForRPC(name, emit: emit)
        else {
            try report(
                SQLServerMessage(
                    number: 2812, state: 62, severity: 16, message: "Could not find stored procedure '\(procedure)'."),
                emit: emit)
            return .completed
        }
        let outerInProcedure = state.inProcedure
        state.inProcedure = true
        defer { state.inProcedure = outerInProcedure }
        let arguments = parameters.map {
            ProcedureArgumentValue(
                name: $0.name.isEmpty ? nil : $0.name.lowercased(), value: $0.value, wantsOutput: $0.isOutput)
        }
        do {
            let (status, outputs) = try callProcedure(definition, arguments: arguments, emit: emit)
            try emit(.returnStatus(status))
            for output in outputs {
                let parameter = definition.parameters[output.parameter]
                let returned = RPCParameter(
                    name: parameter.spelling, type: parameter.type, value: output.value, isOutput: true)
                try emit(.returnValue(returned, ordinal: output.argument))
            }
        } catch let message as SQLServerMessage {
            var located = message
            if located.procedure.isEmpty { located.procedure = definition.name.spelling }
            try report(located, emit: emit)
        } catch let stop as RequestStop {
            if case .cancelled = stop {
                if state.xactAbort, state.tranCount > 0 { try rollbackAll(emit: emit) }
                return .cancelled
            }
        }
        return .completed
    }

    private func loadForRPC(_ name: ProcedureName, emit: (SandboxEvent) throws -> Void) throws -> ProcedureDefinition? {
        do {
            return try ProcedureCatalog.load(name, on: connection)
        } catch let error as DatabaseError {
            try report(PostgresErrorMapping.message(for: error, line: 1, verb: "EXEC"), emit: emit)
            return nil
        }
    }
}
