// Placeholder until the ThrowawayServers work lands.
