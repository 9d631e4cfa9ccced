"""Who may do what: agencies, users, roles, passwords, tokens, log-in throttling and CSRF."""
