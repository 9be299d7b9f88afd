"""Exercise program grammar for simulated sessions.

A program is comma-separated items; each item is ``name:AMOUNT`` with optional ``@key=value``
modifiers (more modifiers follow after commas)::

    heel_drop:2x15@rushed=0.2,jerky=0.1, sit_to_stand:3x10, tandem:2x30s@eyes=closed, walk:3min

AMOUNT is ``SETSxREPS`` or ``REPS`` for rep exercises (heel_drop, hop, sit_to_stand) and
``SETSxDURATION`` or ``DURATION`` (``30s``, ``3min``) for timed items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from boneimu.errors import ConfigError

REP_ITEMS = ("heel_drop", "hop", "sit_to_stand")
BALANCE_ITEMS = ("two_leg", "tandem", "single_leg")
WALK_ITEMS = ("walk", "brisk_walk", "slow_walk", "stairs")
IDLE_ITEMS = ("sit", "stand", "handling", "fidget")
TIMED_ITEMS = BALANCE_ITEMS + WALK_ITEMS + IDLE_ITEMS
ALL_ITEMS = REP_ITEMS + TIMED_ITEMS

MODIFIERS: dict[str, tuple[str, ...]] = {
    "rushed": REP_ITEMS,
    "jerky": REP_ITEMS,
    "rest": ALL_ITEMS,
    "eyes": BALANCE_ITEMS,
    "touchdowns": BALANCE_ITEMS,
    "cadence": WALK_ITEMS,
}

_AMOUNT = re.compile(r"^(?:(\d+)\s*x\s*)?(\d+(?:\.\d+)?)\s*(s|sec|min)?$")
_MAX_TOTAL_S = 4 * 3600.0


@dataclass(frozen=True)
class ProgramItem:
    """One parsed program item: ``sets`` sets of ``reps`` reps or of ``seconds`` each."""

    name: str
    sets: int
    reps: int | None = None
    seconds: float | None = None
    rushed: float = 0.0
    jerky: float = 0.0
    rest_s: float | None = None
    eyes: str = "open"
    touchdowns: float | None = None
    """Probability scale for touch-downs in balance holds (None: from the person)."""
    cadence_spm: float | None = None
    text: str = field(default="", compare=False)


def _bad(program: str, why: str) -> ConfigError:
    return ConfigError(f"program {program!r}: {why}")


def _frac(program: str, key: str, value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise _bad(program, f"{key}={value!r} is not a number") from None
    if not 0.0 <= x <= 1.0:
        raise _bad(program, f"{key}={value} must be a fraction between 0 and 1")
    return x


def _duration(program: str, key: str, value: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(s|sec|min)?", value.strip())
    if not m:
        raise _bad(program, f"{key}={value!r} is not a duration like 30s or 2min")
    x = float(m.group(1)) * (60.0 if m.group(2) == "min" else 1.0)
    if not 0.0 <= x <= 600.0:
        raise _bad(program, f"{key}={value} must be between 0 s and 10 min")
    return x


def _parse_item(program: str, text: str, mods: list[str]) -> ProgramItem:
    if ":" not in text:
        raise _bad(program, f"item {text!r} needs the form name:AMOUNT (e.g. heel_drop:2x15)")
    name, amount = (s.strip() for s in text.split(":", 1))
    if name not in ALL_ITEMS:
        raise _bad(program, f"unknown item {name!r}; known: {', '.join(ALL_ITEMS)}")
    m = _AMOUNT.match(amount)
    if not m:
        raise _bad(
            program, f"{name}: amount {amount!r} is not SETSxREPS, SETSxDURATION or DURATION"
        )
    sets = int(m.group(1)) if m.group(1) else 1
    value, unit = float(m.group(2)), m.group(3)
    kw: dict[str, object] = {}
    if not 1 <= sets <= 20:
        raise _bad(program, f"{name}: {sets} sets (allowed 1..20)")
    if name in REP_ITEMS:
        if unit is not None or value != int(value):
            raise _bad(program, f"{name} takes a rep count (e.g. {name}:2x15), not {amount!r}")
        if not 1 <= value <= 200:
            raise _bad(program, f"{name}: {int(value)} reps (allowed 1..200)")
        kw["reps"] = int(value)
    else:
        if unit is None:
            raise _bad(program, f"{name} takes a duration (e.g. {name}:30s or {name}:2min)")
        seconds = value * (60.0 if unit == "min" else 1.0)
        if not 3.0 <= seconds <= 3600.0:
            raise _bad(program, f"{name}: duration {amount} (allowed 3 s..60 min)")
        kw["seconds"] = seconds
    for mod in mods:
        if "=" not in mod:
            raise _bad(program, f"{name}: modifier {mod!r} needs key=value")
        key, val = (s.strip() for s in mod.split("=", 1))
        if key not in MODIFIERS:
            raise _bad(program, f"{name}: unknown modifier {key!r}; known: {', '.join(MODIFIERS)}")
        if name not in MODIFIERS[key]:
            raise _bad(program, f"modifier {key!r} does not apply to {name}")
        if key in ("rushed", "jerky", "touchdowns"):
            kw[key] = _frac(program, key, val)
        elif key == "rest":
            kw["rest_s"] = _duration(program, key, val)
        elif key == "eyes":
            if val not in ("open", "closed"):
                raise _bad(program, f"{name}: eyes must be open or closed, not {val!r}")
            kw["eyes"] = val
        elif key == "cadence":
            try:
                cad = float(val)
            except ValueError:
                raise _bad(program, f"{name}: cadence={val!r} is not a number") from None
            if not 60.0 <= cad <= 140.0:
                raise _bad(program, f"{name}: cadence {cad} steps/min (allowed 60..140)")
            kw["cadence_spm"] = cad
    return ProgramItem(name=name, sets=sets, text=text, **kw)  # type: ignore[arg-type]


def parse_program(program: str) -> list[ProgramItem]:
    """Parse a program string; raises :class:`ConfigError` naming the problem."""
    if not isinstance(program, str) or not program.strip():
        raise ConfigError("program is empty; e.g. 'heel_drop:2x15, walk:3min'")
    groups: list[tuple[str, list[str]]] = []
    for raw in program.split(","):
        tok = raw.strip()
        if not tok:
            raise _bad(program, "empty item (two commas in a row?)")
        if ":" not in tok and "=" in tok and groups and "@" in program:
            groups[-1][1].append(tok)
            continue
        head, _, mod = tok.partition("@")
        groups.append((head.strip(), [mod.strip()] if mod.strip() else []))
        if _ and not mod.strip():
            raise _bad(program, f"{head.strip()}: '@' without modifiers")
    items = [_parse_item(program, head, mods) for head, mods in groups]
    total = sum(it.sets * (it.seconds or 0.0) for it in items)
    if total > _MAX_TOTAL_S:
        raise _bad(program, f"timed items add up to {total / 60:.0f} min (limit 240 min)")
    return items


def random_program(rng: np.random.Generator) -> str:
    """A plausible bone-loading session (program string) drawn at random."""
    parts: list[str] = []
    if rng.random() < 0.6:
        parts.append(f"walk:{int(rng.integers(1, 4))}min")
    ex = list(REP_ITEMS)
    rng.shuffle(ex)
    for name in ex[: int(rng.integers(1, 4))]:
        reps = {"heel_drop": (8, 21), "hop": (8, 26), "sit_to_stand": (5, 13)}[name]
        item = f"{name}:{int(rng.integers(1, 4))}x{int(rng.integers(*reps))}"
        mods = []
        if rng.random() < 0.35:
            mods.append(f"rushed={rng.choice([0.1, 0.2, 0.3])}")
        if rng.random() < 0.25:
            mods.append(f"jerky={rng.choice([0.1, 0.2])}")
        parts.append(item + ("@" + ",".join(mods) if mods else ""))
    if rng.random() < 0.7:
        stance = str(rng.choice(BALANCE_ITEMS))
        eyes = "@eyes=closed" if rng.random() < 0.3 else ""
        parts.append(f"{stance}:{int(rng.integers(1, 3))}x{int(rng.choice([20, 30]))}s{eyes}")
    if rng.random() < 0.3:
        parts.insert(int(rng.integers(0, len(parts) + 1)), "handling:8s")
    if rng.random() < 0.3:
        parts.append(str(rng.choice(["stairs:1min", "brisk_walk:2min", "fidget:15s"])))
    return ", ".join(parts)
