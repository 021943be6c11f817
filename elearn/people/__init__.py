"""People and units: accounts, per-field rules (NIP, grade, names), admin actions, staff import."""
