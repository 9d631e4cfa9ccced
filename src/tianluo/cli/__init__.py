"""The thin `tianluo` command: each command calls one library function."""
