"""``pilotage mapping``: list, sample, and check a mapping against a sample file."""

from __future__ import annotations

from pathlib import Path

from pilotage.cli import main


def test_list_and_check_a_vendor_sample_showing_rows_and_every_rejected_row(tmp_path, capsys):
    assert main(["mapping", "list"]) == 0
    assert "genesys_cloud__conversation_details" in capsys.readouterr().out
    assert (
        main(
            [
                "mapping",
                "sample",
                "classic_acd__tab_call_log",
                "--day",
                "2026-10-06",
                "--out",
                str(tmp_path),
                "--contacts-per-day",
                "80",
                "--seed",
                "7",
            ]
        )
        == 0
    )
    sample = tmp_path / "calllog_20261006.tsv"
    with open(sample, "ab") as handle:  # one broken line at the end
        handle.write(
            "bad\t261006\t9:00:00\t9:00:05\t9:0x:00\t9:05:00\tVOICE_TECH\ta.b\t+33\t0:00:05\tlong\t"
            "0:00:00\t0:00:30\tANS\tC/1\tEntrée\tIN\r\n".encode("cp1252")
        )
    capsys.readouterr()
    assert main(["mapping", "check", "classic_acd__tab_call_log", str(sample), "--rows", "2"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "1 with unparseable values, 2 dropped by rule" in lines[1]
    assert "First 2 mapped row(s):" in out and "contact_id" in out
    assert "connected_to_agent_at = '261006 9:0x:00' does not parse as TIMESTAMP" in out
    assert "talk_seconds = 'long' does not parse as INTEGER" in out
    assert "dropped by rule 'phantom record (no split)'" in out
    assert "dropped by rule 'not an inbound ACD call'" in out


def test_check_a_clean_file_with_a_users_mapping_and_a_malformed_one(tmp_path, capsys):
    data = tmp_path / "surveys.csv"
    data.write_text("id|q|s|m|when|call|case\nsv1|CSAT|5|5|2026-10-06T10:00:00Z|c1|01\n")
    mapping = tmp_path / "my_surveys.yml"
    mapping.write_text(
        "entity: crm__surveys\nformat: psv\ncolumns:\n  survey_id: {from: id}\n"
        "  question: {from: q}\n  score: {from: s}\n  scale_max: {from: m}\n"
        "  answered_at: {from: when}\n  contact_id: {from: call}\n  case_number: {from: case}\n"
    )
    assert main(["mapping", "check", str(mapping), str(data)]) == 0
    assert "1 mapped, 0 with unparseable values, 0 dropped by rule" in capsys.readouterr().out
    broken = Path(str(mapping).replace("my_surveys", "broken"))
    broken.write_text(mapping.read_text().replace("score: {from: s}", "score: {from: s, agg: sum}"))
    assert main(["mapping", "check", str(broken), str(data)]) == 2
    assert "key 'columns.score.agg'" in capsys.readouterr().err


FIXTURE = Path(__file__).parent / "fixtures" / "calllog_2026-10-06.tsv"


def test_check_runs_the_pipeline_on_one_file_and_prints_its_kpis(capsys):
    assert main(["mapping", "check", "hosted_pbx__queue_call_log", str(FIXTURE), "--day", "2026-10-06"]) == 0
    out = capsys.readouterr().out
    assert "the file would load: 8 row(s), 0 rejected, 1 dropped by layout rule" in out
    # 8 calls: 5 taken by an agent, 2 abandoned, 1 timed out to voicemail (outcome column)
    assert "offered 8, answered 5, abandoned 2, SL 42.9%, ASA 19.8 s, AHT 344.0 s" in out


def test_check_finds_a_users_layout_by_name_and_blocks_a_timestamp_that_is_never_there(
        tmp_path, monkeypatch, capsys):
    from pilotage.ingest.layout_lookup import DEFAULT_LAYOUTS_DIR

    shipped = (DEFAULT_LAYOUTS_DIR / "vendors" / "hosted_pbx__queue_call_log.yml").read_text()
    broken = shipped.replace('initiated_at: {from: DATE, format: "%d/%m/%Y", time_from: START, tz: Europe/Paris}',
                             "initiated_at: {value: null}")
    assert broken != shipped
    (tmp_path / "vendors").mkdir()
    (tmp_path / "vendors" / "my_pbx.yml").write_text(broken)
    monkeypatch.setenv("PILOTAGE_LAYOUTS_DIR", str(tmp_path))
    assert main(["mapping", "check", "my_pbx", str(FIXTURE)]) == 1
    out = capsys.readouterr().out
    assert "BLOCKING rule 'initiated_at is required' [initiated_at_required]" in out
    assert "the file would be QUARANTINED" in out


def test_rules_lists_rule_ids_with_this_centers_severities(tmp_path, monkeypatch, capsys):
    rules = tmp_path / "rules.yml"
    rules.write_text("acd__contacts:\n  connected_to_agent_at_not_before_enqueued_at: {severity: reject_rows, "
                     "max_rows: 2}\n  duplicate_key: warning\n")
    monkeypatch.setenv("PILOTAGE_RULES", str(rules))
    assert main(["mapping", "rules", "hosted_pbx__queue_call_log"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "reject_rows (max_rows 2)" in lines["connected_to_agent_at_not_before_enqueued_at"]
    assert " warning " in lines["duplicate_key"] and " blocking " in lines["values_parse"]
    rules.write_text("acd__contacts:\n  no_such_rule: warning\n")
    assert main(["mapping", "rules", "hosted_pbx__queue_call_log"]) == 2
    assert "no rule ['no_such_rule']" in capsys.readouterr().err
