import DBCore

/// An OUTPUT value of a procedure call: which argument asked for it, which declared parameter it is, its value.
struct ProcedureOutput {
    var argument: Int
    var parameter: Int
    var value: SQLValue
}

extension PostgresSessionEngine {
    /// SQL Server's limit on nested procedure calls.
    static let maximumProcedureNesting = 32

    /// Runs a stored procedure: binds the arguments (positional first, then by name; defaults for the rest), runs
    /// the body statement by statement with its own variables (each statement's DONEINPROC, its result sets,
    /// messages tagged with the procedure's name and the line within its definition) and returns the return
    /// status and the OUTPUT values the caller asked for, in declaration order. `SET NOCOUNT` inside the
    /// procedure ends with it, as in SQL Server.
    func callProcedure(
        _ definition: ProcedureDefinition, arguments: [ProcedureArgumentValue], emit: (SandboxEvent) throws -> Void
    ) throws -> (status: Int32, outputs: [ProcedureOutput]) {
        let procedure = definition.name.spelling
        func failure(_ number: Int, _ text: String, severity: Int = 16) -> SQLServerMessage {
            SQLServerMessage(number: number, state: 1, severity: severity, message: text, procedure: procedure)
        }
        guard state.procedureDepth < Self.maximumProcedureNesting else {
            throw failure(
                217, "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).")
        }
        var boundArgument: [Int: Int] = [:]
        var namedSeen = false
        for (index, argument) in arguments.enumerated() {
            if let name = argument.name {
                namedSeen = true
                guard let parameter = definition.parameters.firstIndex(where: { $0.name == name }) else {
                    throw failure(8145, "\(name) is not a parameter for procedure \(procedure).")
                }
                boundArgument[parameter] = index
            } else {
                guard !namedSeen else {
                    throw failure(
                        119,
                        "Must pass parameter number \(index + 1) and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all subsequent parameters must be passed in the form '@name = value'.",
                        severity: 15)
                }
                guard index < definition.parameters.count else {
                    throw failure(8144, "Procedure or function \(procedure) has too many arguments specified.")
                }
                boundArgument[index] = index
            }
        }
        var context = ExecutionContext(inProcedure: true)
        var outputs: [ProcedureOutput] = []
        for (index, parameter) in definition.parameters.enumerated() {
            context.types[parameter.name] = parameter.type
            var value: SQLValue?
            if let argumentIndex = boundArgument[index] {
                let argument = arguments[argumentIndex]
                if argument.wantsOutput {
                    guard parameter.isOutput else {
                        throw failure(
                            8162,
                            "The formal parameter \"\(parameter.spelling)\" was not declared as an OUTPUT parameter, but the actual parameter passed in requested output."
                        )
                    }
                    outputs.append(ProcedureOutput(argument: argumentIndex, parameter: index, value: .null))
                }
                if let supplied = argument.value {
                    try ParameterValidation.validate(supplied, as: parameter.type, name: parameter.spelling)
                    value = ResultTyping.convert(supplied, to: parameter.type)
                }
            }
            if value == nil {
                guard let defaultValue = parameter.defaultValue else {
                    throw failure(
                        201,
                        "Procedure or function '\(procedure)' expects parameter '\(parameter.spelling)', which was not supplied."
                    )
                }
                value = ResultTyping.convert(
                    try fetchValues(defaultValue, context: context)?.first ?? .null, to: parameter.type)
            }
            context.values[parameter.name] = value ?? .null
        }
        let statements: [TranslatedStatement]
        do {
            statements = try TSQLTranslator.translateProcedureBody(definition, columnResolver: columnResolver)
        } catch {
            var message = error
            message.procedure = procedure
            throw message
        }

        let saved = (noCount: state.noCount, inProcedure: state.inProcedure)
        state.inProcedure = true
        state.procedureDepth += 1
        defer {
            state.noCount = saved.noCount
            state.inProcedure = saved.inProcedure
            state.procedureDepth -= 1
        }
        var status: Int32 = 0
        func tagged(_ event: SandboxEvent) throws {
            if case .message(var message) = event, message.procedure.isEmpty {
                message.procedure = procedure
                try emit(.message(message))
            } else {
                try emit(event)
            }
        }
        do {
            try run(statements, context: &context, emit: tagged)
        } catch RequestStop.returned {
            status = 0
        } catch let returned as ProcedureReturn {
            status = returned.status
        } catch let caught as CaughtError {
            var message = caught.message
            if message.procedure.isEmpty { message.procedure = procedure }
            throw CaughtError(message: message)
        }
        for index in outputs.indices {
            let parameter = definition.parameters[outputs[index].parameter]
            outputs[index].value = ResultTyping.convert(context.values[parameter.name] ?? .null, to: parameter.type)
        }
        return (status, outputs)
    }
}
