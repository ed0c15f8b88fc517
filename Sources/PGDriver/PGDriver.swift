// Placeholder until the PGDriver work lands.
