"""The center folder (``PILOTAGE_CENTER_DIR``): center.yml read and checked, the seeds staged for
dbt with missing optional CSVs empty, ``pilotage init`` and the time-zone precedence."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilotage import cli
from pilotage.center import (
    OPTIONAL_SEEDS,
    REQUIRED_SEEDS,
    SAMPLE_CENTER,
    CenterError,
    dbt_vars,
    read_center,
    stage_seeds,
    write_starter,
)
from pilotage.settings import PROJECT_ROOT, Settings


def test_the_sample_center_ships_in_the_project_and_is_the_default():
    assert SAMPLE_CENTER == PROJECT_ROOT / "center"
    settings = Settings.build(env={})
    assert settings.center_dir == SAMPLE_CENTER and settings.time_zone == "Europe/Paris"
    center = settings.center()
    assert center.is_delivered("crm__surveys") and len(center.delivered()) >= 9
    # the product seed stays in the dbt project; the center's are gone from it
    seeds = {p.stem for p in (PROJECT_ROOT / "dbt_project" / "seeds").glob("*.csv")}
    assert seeds == {"kpi_catalogue"}
    assert {p.stem for p in SAMPLE_CENTER.glob("*.csv")} == {*REQUIRED_SEEDS, *OPTIONAL_SEEDS}


def test_center_yml_gives_the_time_zone_unless_the_environment_sets_one(tmp_path):
    (tmp_path / "center.yml").write_text("time_zone: America/Montreal\n"
                                         "site_time_zones: {PAR: Europe/Paris, MTL: America/Montreal}\n"
                                         "delivers: [acd__contacts]\n", encoding="utf-8")
    settings = Settings.build(env={"PILOTAGE_CENTER_DIR": str(tmp_path)})
    assert settings.time_zone == "America/Montreal"
    assert Settings.build(env={"PILOTAGE_CENTER_DIR": str(tmp_path),
                               "PILOTAGE_TIME_ZONE": "Asia/Tokyo"}).time_zone == "Asia/Tokyo"
    center = settings.center()
    assert center.delivered() == ("acd__contacts",) and not center.is_delivered("wfm__roster")
    variables = dbt_vars(center, settings.time_zone)
    # a site on the center's own clock needs no exception
    assert variables["site_time_zones"] == {"PAR": "Europe/Paris"}
    assert variables["delivered_entities"] == ["acd__contacts"]


@pytest.mark.parametrize(("text", "message"), [
    ("time_zone: Mars/Olympus\n", "not an IANA time zone"),
    ("site_time_zones: {PAR: Paris}\n", "site_time_zones.PAR"),
    ("delivers: [acd__calls]\n", "unknown entity acd__calls"),
    ("delivers: acd__contacts\n", "must be a list"),
    ("timezone: Europe/Paris\n", "unknown key(s) timezone"),
])
def test_a_wrong_center_yml_names_the_file_and_the_key(tmp_path, text, message):
    (tmp_path / "center.yml").write_text(text, encoding="utf-8")
    with pytest.raises(CenterError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        read_center(tmp_path)
    assert str(tmp_path / "center.yml") in str(err.value)


def test_missing_optional_csvs_are_staged_empty_and_required_ones_fail(tmp_path):
    center_dir = tmp_path / "center"
    center_dir.mkdir()
    for name in REQUIRED_SEEDS:
        (center_dir / f"{name}.csv").write_bytes((SAMPLE_CENTER / f"{name}.csv").read_bytes())
    staged = stage_seeds(read_center(center_dir), tmp_path / "staged")
    pricing = (staged / "contract_pricing.csv").read_text(encoding="utf-8").splitlines()
    assert pricing == [(SAMPLE_CENTER / "contract_pricing.csv").read_text(encoding="utf-8").splitlines()[0]]
    assert (staged / "queues.csv").read_bytes() == (center_dir / "queues.csv").read_bytes()
    assert not (staged / "center.yml").exists()  # dbt sees CSVs only
    (center_dir / "queues.csv").unlink()
    with pytest.raises(CenterError, match="missing queues.csv"):
        stage_seeds(read_center(center_dir), tmp_path / "staged")


def test_init_writes_a_commented_copy_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "my_center"
    assert cli.main(["init", str(target)]) == 0
    assert "PILOTAGE_CENTER_DIR" in capsys.readouterr().out
    text = (target / "center.yml").read_text(encoding="utf-8")
    assert text.count("\n#") > 5 and read_center(target).time_zone == "Europe/Paris"
    (target / "queues.csv").write_text("edited\n", encoding="utf-8")
    assert cli.main(["init", str(target)]) == 1
    assert "already exist" in capsys.readouterr().err
    assert (target / "queues.csv").read_text(encoding="utf-8") == "edited\n"
    with pytest.raises(CenterError):
        write_starter(target)


def test_a_missing_center_folder_says_how_to_create_one(tmp_path: Path):
    with pytest.raises(CenterError, match="pilotage init"):
        read_center(tmp_path / "nowhere")
