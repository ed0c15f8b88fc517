import DBCore

extension EntraScope {
    /// The v1 "resource" for a scope (the scope without `/.default`), as the Azure CLI and managed identity
    /// endpoints want it.
    public static func resource(for scopes: [String]) -> String {
        let scope = scopes.first ?? ""
        return scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
    }
}
