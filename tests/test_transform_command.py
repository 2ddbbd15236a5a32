"""The production dbt build command: unit tests left out, the same --vars whatever the window."""

from datetime import date

from pilotage.settings import Settings
from pilotage.transform import dbt_build_command, window_env
from pilotage.window import Window


def test_production_build_leaves_unit_tests_out_and_keeps_its_vars(tmp_path) -> None:
    settings = Settings.build({"PILOTAGE_DATA_DIR": str(tmp_path)}, env={})
    command = dbt_build_command(settings, ["--select", "fct_contacts"])
    assert command[1] == "build" and command[-2:] == ["--select", "fct_contacts"]
    flag = command.index("--exclude-resource-type")
    assert command[flag + 1] == "unit_test"
    assert "date_from" not in " ".join(command)  # the window is not in --vars: partial parse kept


def test_the_window_goes_in_the_environment_with_its_late_days() -> None:
    window = Window(first=date(2026, 10, 12), last=date(2026, 10, 13))
    assert window_env(window, late_days=7) == {"PILOTAGE_DBT_DATE_FROM": "2026-10-05",
                                               "PILOTAGE_DBT_DATE_TO": "2026-10-13",
                                               "PILOTAGE_DBT_CHANGED_FROM": "2026-10-12"}
    assert window_env(None) == {"PILOTAGE_DBT_DATE_FROM": "", "PILOTAGE_DBT_DATE_TO": "",
                                "PILOTAGE_DBT_CHANGED_FROM": ""}
