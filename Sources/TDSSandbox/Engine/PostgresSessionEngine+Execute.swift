import DBCore

extension PostgresSessionEngine {
    /// `EXEC sp_executesql …` inside a batch: evaluates the arguments, runs the statement as the RPC would (DONEINPROC
    /// per statement, RETURNSTATUS 0) and copies OUTPUT values back into the batch's variables.
    func executeSQL(
        _ arguments: [ExecuteArgument], line: Int, context: inout ExecutionContext, emit: (SandboxEvent) throws -> Void
    ) throws {
        var parameters: [RPCParameter] = []
        for argument in arguments {
            let evaluated = try guarded(line: line, verb: "EXEC", emit: emit) {
                try fetchValues(argument.value, context: context)?.first
            }
            guard let value = evaluated else { return }
            parameters.append(
                RPCParameter(
                    name: argument.name ?? "", type: .nvarchar(nil), value: value ?? .null,
                    isOutput: argument.outputVariable != nil))
        }
        let outcome = try guarded(line: line, verb: "EXEC", emit: emit) { () throws -> RequestOutcome in
            guard let statement = stringValue(parameters, 0) else {
                throw SQLServerMessage(
                    number: 201, state: 4, severity: 16,
                    message:
                        "Procedure or function 'sp_executesql' expects parameter '@statement', which was not supplied.")
            }
            let hasDeclarations = parameters.count > 1 && isDeclarationParameter(parameters[1])
            let declarations = try TSQLParameterDeclaration.parse(
                hasDeclarations ? stringValue(parameters, 1) ?? "" : "")
            var outputs: [(Int, SQLValue)] = []
            let outcome = try runParameterized(
                statement, declarations: declarations, parameters: parameters, valueStart: hasDeclarations ? 2 : 1,
                handle: nil, outputSink: { outputs.append(($0, $1)) }, emit: emit)
            for (ordinal, value) in outputs {
                guard ordinal < arguments.count, let variable = arguments[ordinal].outputVariable else { continue }
                context.values[variable] = ResultTyping.convert(value, to: context.types[variable] ?? .nvarchar(nil))
            }
            return outcome
        }
        if outcome == .cancelled { throw RequestStop.cancelled }
    }
}
