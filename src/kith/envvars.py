"""Typed reading of environment variables, each one registered with its default and meaning.

`kith settings` prints the registry as a table; a test checks that README.md documents every entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class EnvVar:
    name: str
    default: str
    help: str


REGISTRY: dict[str, EnvVar] = {}


class ConfigError(ValueError):
    """Raised when an environment variable holds a value of the wrong type."""


def _register(name: str, default: object, help: str) -> str | None:
    REGISTRY[name] = EnvVar(name=name, default=str(default), help=help)
    return os.environ.get(name)


def env_str(name: str, default: str, help: str) -> str:
    """Return the variable as a string."""
    raw = _register(name, default, help)
    return default if raw is None else raw


def env_int(name: str, default: int, help: str) -> int:
    """Return the variable as an integer."""
    raw = _register(name, default, help)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_float(name: str, default: float, help: str) -> float:
    """Return the variable as a number (decimals allowed)."""
    raw = _register(name, default, help)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None


def env_bool(name: str, default: bool, help: str) -> bool:
    """Return the variable as a boolean (1/true/yes/on or 0/false/no/off)."""
    raw = _register(name, "true" if default else "false", help)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str], help: str) -> list[str]:
    """Return the variable as a comma-separated list."""
    raw = _register(name, ",".join(default), help)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
