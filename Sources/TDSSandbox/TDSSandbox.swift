// Placeholder until the TDSSandbox work lands.
