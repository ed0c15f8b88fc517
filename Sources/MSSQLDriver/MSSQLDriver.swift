// Placeholder until the MSSQLDriver work lands.
