"""Signing in: tokens, their rotation, throttling, and the dependencies that ask who calls."""
