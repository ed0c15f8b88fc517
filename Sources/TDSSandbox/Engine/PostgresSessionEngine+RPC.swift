import DBCore

extension PostgresSessionEngine {
    /// The well-known procedure ids of RPC requests (ProcIDSwitch), by number.
    static let wellKnownProcedures: [String: String] = [
        "10": "sp_executesql", "11": "sp_prepare", "12": "sp_execute", "13": "sp_prepexec", "15": "sp_unprepare",
    ]

    /// Runs an RPC: `sp_executesql`, `sp_prepare`, `sp_execute`, `sp_prepexec`, `sp_unprepare`,
    /// `sp_reset_connection`, or a stored procedure of the sandbox's catalog (else error 2812).
    public func executeRPC(
        procedure: String, parameters: [RPCParameter], emit: (SandboxEvent) throws -> Void
    ) throws -> RequestOutcome {
        beginRequest()
        var name = procedure.lowercased()
        if let known = Self.wellKnownProcedures[name] { name = known }
        for prefix in ["sys.", "dbo.", "master.dbo.", "master.sys."] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        }
        do {
            switch name {
            case "sp_executesql":
                guard let statement = stringValue(parameters, 0) else { throw Self.missingParameter("@stmt", name) }
                let declarationText = stringValue(parameters, 1) ?? ""
                let valueStart = parameters.count > 1 && isDeclarationParameter(parameters[1]) ? 2 : 1
                let declarations = try parseDeclarations(declarationText)
                return try runParameterized(
                    statement, declarations: declarations, parameters: parameters, valueStart: valueStart,
                    handle: nil, emit: emit)
            case "sp_prepare":
                guard let declarationText = stringValue(parameters, 1), let statement = stringValue(parameters, 2)
                else {
                    throw Self.missingParameter("@stmt", name)
                }
                let declarations = try TSQLParameterDeclaration.parse(declarationText)
                _ = try TSQLTranslator.translate(statement, variables: Self.types(declarations))
                let handle = prepare(statement, declarations: declarations)
                try emitHandle(handle, parameters: parameters, emit: emit)
                try emit(.returnStatus(0))
                return .completed
            case "sp_prepexec":
                guard let declarationText = stringValue(parameters, 1), let statement = stringValue(parameters, 2)
                else {
                    throw Self.missingParameter("@stmt", name)
                }
                let declarations = try TSQLParameterDeclaration.parse(declarationText)
                let handle = prepare(statement, declarations: declarations)
                return try runParameterized(
                    statement, declarations: declarations, parameters: parameters, valueStart: 3, handle: handle,
                    emit: emit)
            case "sp_execute":
                guard let handle = handleValue(parameters) else { throw Self.missingParameter("@handle", name) }
                guard let prepared = state.prepared[handle] else { throw Self.unknownHandle(handle) }
                return try runParameterized(
                    prepared.sql, declarations: prepared.declarations, parameters: parameters, valueStart: 1,
                    handle: nil, emit: emit)
            case "sp_unprepare":
                guard let handle = handleValue(parameters) else { throw Self.missingParameter("@handle", name) }
                guard state.prepared.removeValue(forKey: handle) != nil else { throw Self.unknownHandle(handle) }
                try emit(.returnStatus(0))
                return .completed
            case "sp_reset_connection":
                try resetConnection(emit: emit)
                try emit(.returnStatus(0))
                return .completed
            default:
                return try executeProcedureRPC(procedure, parameters: parameters, emit: emit)
            }
        } catch let message as SQLServerMessage {
            try report(message, emit: emit)
            try emit(.returnStatus(0))
            return .completed
        }
    }

    func isDeclarationParameter(_ parameter: RPCParameter) -> Bool {
        if parameter.name.isEmpty || parameter.name.lowercased() == "@params" {
            if case .string = parameter.value { return true }
            if case .null = parameter.value { return true }
        }
        return false
    }

    func stringValue(_ parameters: [RPCParameter], _ index: Int) -> String? {
        guard index < parameters.count else { return nil }
        if case .string(let text) = parameters[index].value { return text }
        return nil
    }

    private func handleValue(_ parameters: [RPCParameter]) -> Int32? {
        guard case .int(let value)? = parameters.first?.value, let handle = Int32(exactly: value) else { return nil }
        return handle
    }

    private static func types(_ declarations: [TSQLParameterDeclaration]) -> [String: TSQLType] {
        Dictionary(declarations.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
    }

    private static func missingParameter(_ name: String, _ procedure: String) -> SQLServerMessage {
        SQLServerMessage(
            number: 201, state: 4, severity: 16,
            message: "Procedure or function '\(procedure)' expects parameter '\(name)', which was not supplied.",
            procedure: procedure)
    }

    private static func unknownHandle(_ handle: Int32) -> SQLServerMessage {
        SQLServerMessage(
            number: 8179, state: 4, severity: 16, message: "Could not find prepared statement with handle \(handle).")
    }

    private func prepare(_ sql: String, declarations: [TSQLParameterDeclaration]) -> Int32 {
        state.lastHandle += 1
        state.prepared[state.lastHandle] = PreparedStatement(declarations: declarations, sql: sql)
        return state.lastHandle
    }

    private func emitHandle(_ handle: Int32, parameters: [RPCParameter], emit: (SandboxEvent) throws -> Void) throws {
        let name = parameters.first?.name ?? "@handle"
        try emit(
            .returnValue(RPCParameter(name: name, type: .int, value: .int(Int64(handle)), isOutput: true), ordinal: 0))
    }

    /// Binds the values (named or positional) to the declared parameters, runs the statement and returns the
    /// OUTPUT parameters and the return status.
    /// OUTPUT values go to the client as RETURNVALUE tokens, or, for `EXEC sp_executesql` in a batch, to `outputSink`
    /// (with the argument's ordinal).
    func runParameterized(
        _ sql: String, declarations: [TSQLParameterDeclaration], parameters: [RPCParameter], valueStart: Int,
        handle: Int32?, outputSink: ((Int, SQLValue) -> Void)? = nil,
        emit: (SandboxEvent) throws -> Void
    ) throws -> RequestOutcome {
        let values = valueStart < parameters.count ? Array(parameters[valueStart...].enumerated()) : []
        var context = ExecutionContext(inProcedure: true)
        var outputs: [(declaration: TSQLParameterDeclaration, ordinal: Int, type: TSQLType)] = []
        var positional = values.filter { $0.element.name.isEmpty }.makeIterator()
        // The first value of each name, looked up once per declaration (a linear search per declaration was
        // quadratic: thousands of parameters in one call, as multi-row INSERTs send, took seconds).
        var named: [String: (offset: Int, element: RPCParameter)] = [:]
        for value in values where !value.element.name.isEmpty {
            let key = value.element.name.lowercased()
            if named[key] == nil { named[key] = value }
        }
        for declaration in declarations {
            let match = named[declaration.name] ?? positional.next()
            guard let (offset, parameter) = match else {
                let list = declarations.map { "\($0.spelling) \($0.type)" }.joined(separator: ",")
                throw SQLServerMessage(
                    number: 8178, state: 1, severity: 16,
                    message:
                        "The parameterized query '(\(list))\(sql.prefix(60))' expects the parameter '\(declaration.spelling)', which was not supplied."
                )
            }
            try ParameterValidation.validate(parameter.value, as: declaration.type, name: declaration.spelling)
            context.types[declaration.name] = declaration.type
            context.values[declaration.name] = ResultTyping.convert(parameter.value, to: declaration.type)
            if declaration.isOutput || parameter.isOutput {
                outputs.append((declaration, valueStart + offset, parameter.type))
            }
        }
        let statements: [TranslatedStatement]
        do {
            // sp_executesql and sp_execute alike: the session's translation cache (StatementTranslationCache.swift)
            // is keyed by the text and the declared types, which a prepared handle fixes.
            statements = try translateParameterized(sql, variables: context.types)
        } catch {
            try report(error, emit: emit)
            if let handle { try emitHandle(handle, parameters: parameters, emit: emit) }
            try emit(.returnStatus(0))
            return .completed
        }
        let outcome = try runRequest(statements, context: &context, emit: emit)
        guard outcome == .completed else { return outcome }
        if let handle { try emitHandle(handle, parameters: parameters, emit: emit) }
        for output in outputs {
            let value = ResultTyping.convert(context.values[output.declaration.name] ?? .null, to: output.type)
            if let outputSink {
                outputSink(
                    output.ordinal,
                    ResultTyping.convert(context.values[output.declaration.name] ?? .null, to: output.declaration.type))
                continue
            }
            let parameter = RPCParameter(
                name: output.declaration.spelling, type: output.type, value: value, isOutput: true)
            try emit(.returnValue(parameter, ordinal: output.ordinal))
        }
        try emit(.returnStatus(0))
        return .completed
    }
}

extension PostgresSessionEngine {
    /// `sp_reset_connection`, as connection pools call it between borrowers: rolls back an open transaction, drops
    /// the PostgreSQL session's state (`DISCARD ALL`: temporary tables, settings, prepared statements, locks) and
    /// the sandbox's own (SET options, prepared handles), then prepares the session as at login.
    func resetConnection(emit: (SandboxEvent) throws -> Void) throws {
        try rollbackAll(emit: emit)
        try runSilently("DISCARD ALL")
        try Self.prepareSession(connection)
        state = SessionState(database: state.database)
    }
}
