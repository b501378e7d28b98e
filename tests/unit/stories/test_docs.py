"""docs/stories.md stays true to the code: every setting of the story layer is described with its default."""

from __future__ import annotations

from dataclasses import fields

from wiredesk.stories import Settings

from conftest import REPO

DOC = (REPO / "docs" / "stories.md").read_text(encoding="utf-8")


def test_every_story_setting_is_documented_with_its_default():
    defaults = Settings()
    for f in fields(Settings):
        value = getattr(defaults, f.name)
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{f.name}` |")), None)
        assert row is not None, f"docs/stories.md does not describe {f.name}"
        if isinstance(value, (int, float)):
            assert f"| {value} |" in row, f"docs/stories.md gives another default for {f.name}: {row}"
