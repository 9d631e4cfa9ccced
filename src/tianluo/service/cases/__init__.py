"""Cases: the alerts, persons, accounts, notes and files an agency works on, and its shares."""
