print("tds-sandbox: not implemented yet")
