from __future__ import annotations

import numpy as np
import pytest

from boneimu.errors import ConfigError
from firmware_sims import parse_program, random_program


def test_parses_sets_reps_durations_and_modifiers() -> None:
    items = parse_program(
        "heel_drop:2x15@rushed=0.2,jerky=0.1, sit_to_stand:3x10, tandem:2x30s@eyes=closed, "
        "walk:3min, two_leg:30s, hop:12"
    )
    assert [i.name for i in items] == [
        "heel_drop",
        "sit_to_stand",
        "tandem",
        "walk",
        "two_leg",
        "hop",
    ]
    hd = items[0]
    assert (hd.sets, hd.reps, hd.rushed, hd.jerky) == (2, 15, 0.2, 0.1)
    assert (items[2].sets, items[2].seconds, items[2].eyes) == (2, 30.0, "closed")
    assert items[3].seconds == 180.0 and items[3].sets == 1
    assert (items[5].sets, items[5].reps) == (1, 12)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "jump:2x10",
        "heel_drop",
        "heel_drop:2x",
        "heel_drop:30s",
        "walk:3",
        "heel_drop:2x15@rushed=1.5",
        "heel_drop:2x15@eyes=closed",
        "tandem:30s@eyes=half",
        "heel_drop:2x15@speed=3",
        "heel_drop:2x15,,walk:1min",
        "heel_drop:0x15",
        "walk:1s",
    ],
)
def test_bad_programs_raise_config_error(bad: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_program(bad)
    assert "\n" not in str(err.value)


def test_random_program_is_valid_and_seeded() -> None:
    for seed in range(20):
        prog = random_program(np.random.default_rng(seed))
        assert parse_program(prog)
        assert prog == random_program(np.random.default_rng(seed))
