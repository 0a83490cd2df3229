import pytest

from allied.core.errors import DomainError
from allied.program.models import ProgramSettings
from allied.program.services import program_settings_update


@pytest.mark.parametrize(("text", "expected"), [("false", False), ("true", True), ("0", False), ("on", True)])
def test_text_flags_mean_what_they_say(world, text, expected):
    program_settings_update(actor=world.admin, data={"tier_auto_apply": text})
    assert ProgramSettings.current().tier_auto_apply is expected


def test_unknown_flag_text_names_the_field(world):
    with pytest.raises(DomainError) as exc:
        program_settings_update(actor=world.admin, data={"public_locator_enabled": "maybe"})
    assert exc.value.field == "public_locator_enabled"
