"""Versions: the keyed diff, the version policy, cutting a release."""
