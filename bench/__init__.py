"""The benchmark (`make bench`): outside the runtime package."""
