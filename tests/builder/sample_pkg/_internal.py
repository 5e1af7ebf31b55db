"""Private: never documented."""

SECRET = 1
