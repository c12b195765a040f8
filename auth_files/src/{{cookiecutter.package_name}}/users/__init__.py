"""The built-in user: accounts, the caller's own account, and their administration."""
