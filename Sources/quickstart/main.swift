print("quickstart: not implemented yet")
