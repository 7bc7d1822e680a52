"""Accounts: users, roles and the unit each user acts for."""
