"""How settings are declared and read: one dataclass field per key.

Each settings class is a frozen dataclass; each field carries its default and,
in ``setting(...)`` metadata, what the loader needs to check it (bounds,
choices, a custom parser, the environment variable that may set it). The
loader walks the fields, so a new key is one new field: its default, its
checks, its place in the file and the refusal of misspelt keys all follow.

Kept apart from ``followup.config`` so section classes declared elsewhere
(``followup.ehr.settings``) use it without an import cycle.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import time
from typing import Any, TypeVar

T = TypeVar("T")
METADATA_KEY = "followup.setting"


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message names the key."""


@dataclass(frozen=True)
class Setting:
    """How one field is found and checked (see ``setting``)."""

    key: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    note: str = ""
    choices: tuple[str, ...] = ()
    env: str | None = None
    normalize: Callable[[Any], Any] | None = None
    check: Callable[[Any], str | None] | None = None
    parse: Callable[[Any, str], Any] | None = None
    expect: str = ""
    description: str = ""


def setting(default: Any = MISSING, *, default_factory: Callable[[], Any] | None = None,
            key: str | None = None, minimum: float | None = None,
            maximum: float | None = None, note: str = "", choices: tuple[str, ...] = (),
            env: str | None = None, normalize: Callable[[Any], Any] | None = None,
            check: Callable[[Any], str | None] | None = None,
            parse: Callable[[Any, str], Any] | None = None, expect: str = "",
            description: str = "") -> Any:
    """A settings field.

    ``key``: its dotted place in the TOML file, relative to the class's table
    (default: the field's name; a nested settings class is a table of its own).
    ``minimum``/``maximum`` bound a number (``note`` says why, in the error);
    ``choices`` lists the allowed strings (after ``normalize``); ``check`` returns
    a problem or None; ``parse(value, key)`` replaces the type-driven reading
    for free-form values; ``expect`` words a list's items in its error; ``env``
    names an environment variable that overrides the file."""
    meta = Setting(key=key, minimum=minimum, maximum=maximum, note=note, choices=choices,
                   env=env, normalize=normalize, check=check, parse=parse, expect=expect,
                   description=description)
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory,
                                 metadata={METADATA_KEY: meta})
    return dataclasses.field(default=default, metadata={METADATA_KEY: meta})


@dataclass(frozen=True)
class _Field:
    name: str
    path: tuple[str, ...]
    hint: Any
    meta: Setting


_FIELDS: dict[type, tuple[_Field, ...]] = {}


def _fields_of(cls: type) -> tuple[_Field, ...]:
    """The settings fields of a dataclass, with their resolved types (read once)."""
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls)
        _FIELDS[cls] = tuple(
            _Field(f.name, tuple((meta.key or f.name).split(".")), hints[f.name], meta)
            for f in fields(cls)
            for meta in (f.metadata.get(METADATA_KEY, Setting()),))
    return _FIELDS[cls]


def _is_section(hint: Any) -> bool:
    return isinstance(hint, type) and is_dataclass(hint)


def known_keys(cls: type) -> dict[str, Any]:
    """The tree of keys a file may hold: a dict for a table, None for a value."""
    tree: dict[str, Any] = {}
    for f in _fields_of(cls):
        node = tree
        for part in f.path[:-1]:
            node = node.setdefault(part, {})
        node[f.path[-1]] = known_keys(f.hint) if _is_section(f.hint) else None
    return tree


def check_known_keys(raw: Mapping[str, Any], tree: Mapping[str, Any], prefix: str = "") -> None:
    """A misspelt key ("[quiet_hour]") would silently keep the default: refuse it."""
    for key, value in raw.items():
        dotted = f"{prefix}{key}"
        if key not in tree:
            raise ConfigError(f"{dotted}: unknown setting (see config.example.toml)")
        if tree[key] is not None:
            if not isinstance(value, dict):
                raise ConfigError(f"{dotted}: must be a table ([{dotted}])")
            check_known_keys(value, tree[key], f"{dotted}.")


def load_section(cls: type[T], raw: Mapping[str, Any], prefix: str = "") -> T:
    """Build ``cls`` from its table ``raw``: declared defaults for what is absent,
    every value checked. Unknown keys are refused first, with their name. A
    class may define ``cross_check(self)`` for rules between its fields."""
    check_known_keys(raw, known_keys(cls), prefix)
    return _build(cls, raw, prefix)


def _build(cls: type[T], raw: Mapping[str, Any], prefix: str) -> T:
    values: dict[str, Any] = {}
    for f in _fields_of(cls):
        dotted = prefix + ".".join(f.path)
        found, value = _lookup(raw, f.path)
        if _is_section(f.hint):
            values[f.name] = _build(f.hint, value if found else {}, dotted + ".")
        elif found:
            values[f.name] = read_value(value, f.hint, f.meta, dotted)
    built = cls(**values)
    cross_check = getattr(built, "cross_check", None)
    if callable(cross_check):
        cross_check()
    return built


def _lookup(raw: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    node: Any = raw
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def read_value(value: Any, hint: Any, meta: Setting, key: str) -> Any:
    """One value from the file, of the field's type, within its bounds."""
    if meta.parse is not None:
        return meta.parse(value, key)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: must be true or false")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: must be a string, got {type(value).__name__}")
        return _checked(meta.normalize(value) if meta.normalize else value, meta, key)
    if hint is int or hint is float:
        return _number(value, hint, meta, key)
    if hint is time:
        return parse_hhmm(value, key)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(value, list) or not all(isinstance(v, item) for v in value):
            what = meta.expect or ("strings" if item is str else f"{item.__name__} values")
            raise ConfigError(f"{key}: must be a list of {what}")
        return tuple(value)
    raise TypeError(f"{key}: no reader for a setting of type {hint!r}; give it parse=")


def _checked(value: str, meta: Setting, key: str) -> str:
    if meta.choices and value not in meta.choices:
        *first, last = [f'"{c}"' for c in meta.choices]
        allowed = f"{', '.join(first)} or {last}" if first else last
        raise ConfigError(f"{key}: must be {allowed}, got {value!r}")
    problem = meta.check(value) if meta.check else None
    if problem:
        raise ConfigError(f"{key}: {problem}")
    return value


def _number(value: Any, hint: type, meta: Setting, key: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key}: must be a number")
    if hint is int and value != int(value):
        raise ConfigError(f"{key}: must be a whole number, got {value!r}")
    if meta.minimum is not None and value < meta.minimum:
        raise ConfigError(f"{key}: must be at least {meta.minimum:g}")
    if meta.maximum is not None and value > meta.maximum:
        why = f" ({meta.note})" if meta.note else ""
        raise ConfigError(f"{key}: must be at most {meta.maximum:g}{why}")
    return int(value) if hint is int else float(value)


def parse_hhmm(value: Any, where: str) -> time:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a time like \"21:00\"")
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"{where}: must be a time like \"21:00\", got {value!r}") from None


ENV_TRUE = ("1", "true", "yes", "on")
ENV_FALSE = ("0", "false", "no", "off")


def env_overrides(cls: type, environ: Mapping[str, str]) -> dict[str, Any]:
    """The values environment variables give (``setting(env=...)``), as a file tree."""
    out: dict[str, Any] = {}
    _env_into(cls, environ, out, ())
    return out


def _env_into(cls: type, environ: Mapping[str, str], out: dict[str, Any],
              at: tuple[str, ...]) -> None:
    for f in _fields_of(cls):
        path = at + f.path
        if _is_section(f.hint):
            _env_into(f.hint, environ, out, path)
            continue
        var = f.meta.env
        raw = environ.get(var, "") if var else ""
        if not var or not raw.strip():
            continue
        value: Any = raw
        if f.hint is bool:
            flag = raw.strip().lower()
            if flag not in ENV_TRUE + ENV_FALSE:
                raise ConfigError(f"{var}: must be 1 or 0 ({'.'.join(path)})")
            value = flag in ENV_TRUE
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value


