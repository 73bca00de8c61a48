"""One object of each kind, owned by center C01 where ownership applies, for the URL walker
and the access tests. Each app adds its objects here as it lands."""

from types import SimpleNamespace


def world(cast):
    return SimpleNamespace(cast=cast)
