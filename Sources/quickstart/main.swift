// Wired to PGDriver once the driver lands on main.
print("quickstart: waiting for PGDriver")
