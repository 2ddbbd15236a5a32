"""The production dbt build command: unit tests left out, the same --vars whatever the window."""

from datetime import date

from pilotage.settings import Settings
from pilotage.transform import dbt_build_command, dbt_env, window_env
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


def test_unbuilt_days_before_the_window_start_its_own_days_and_its_late_days() -> None:
    """An unbuilt day before the window (a failed build, or a load wider than its build) becomes
    the first of its own days: staging re-ranks from it and the marts rebuild from it minus the
    late-arrival days; days after the window are left to the build that covers them."""
    from pilotage.unbuilt_days import built, own_days

    window = Window(first=date(2026, 10, 12), last=date(2026, 10, 13))
    unbuilt = [("crm__surveys", date(2026, 10, 3), 2), ("acd__contacts", date(2026, 10, 13), 1),
               ("qa__evaluations", date(2026, 10, 20), 1)]
    own = own_days(window, unbuilt)
    assert own == Window(first=date(2026, 10, 3), last=date(2026, 10, 13))
    assert window_env(own, late_days=7) == {"PILOTAGE_DBT_DATE_FROM": "2026-09-26",
                                            "PILOTAGE_DBT_DATE_TO": "2026-10-13",
                                            "PILOTAGE_DBT_CHANGED_FROM": "2026-10-03"}
    assert built(own, unbuilt) == unbuilt[:2]
    assert own_days(window, unbuilt[1:]) == window  # only within or after the window: unchanged
    assert own_days(window, []) == window
    assert own_days(None, unbuilt) is None and built(None, unbuilt) == unbuilt  # every day


def test_dbt_file_log_keeps_info_events_unless_the_environment_asks_for_debug(tmp_path, monkeypatch) -> None:
    settings = Settings.build({"PILOTAGE_DATA_DIR": str(tmp_path)}, env={})
    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    assert dbt_env(settings, "key")["DBT_LOG_LEVEL_FILE"] == "info"
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    assert dbt_env(settings, "key")["DBT_LOG_LEVEL_FILE"] == "debug"
