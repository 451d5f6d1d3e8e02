"""The CLI end to end: seed, ask, extract, errors — in-process through ``main``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-01-27T09:00:00+00:00"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARLEY_NOW", NOW)
    monkeypatch.chdir(ROOT / "tests")  # no .env from the developer's checkout
    return db_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_twice_changes_nothing(env: str, capsys) -> None:
    code, out, _ = run(capsys, "seed")
    assert code == 0 and "5 new" in out
    _, before, _ = run(capsys, "ask", "--json", "/meetings all")
    code, out, _ = run(capsys, "seed")
    assert code == 0 and "0 new, 5 already stored" in out and "0 change events" in out
    _, after, _ = run(capsys, "ask", "--json", "/meetings all")
    assert before == after


def test_ask_documents_answers_from_the_seeded_store(env: str, capsys) -> None:
    run(capsys, "seed")
    code, out, _ = run(capsys, "ask", "/documents")
    assert code == 0
    assert "Security guarantees" in out and "20-point" in out


def test_ask_json_prints_the_reply_model(env: str, capsys) -> None:
    run(capsys, "seed")
    code, out, _ = run(capsys, "ask", "--json", "/meetings", "past")
    reply = json.loads(out)
    assert code == 0 and set(reply) == {"text", "cards", "ephemeral", "error"}
    assert "Abu Dhabi" in reply["cards"][0]["description"]


def test_ask_on_an_empty_store_does_not_crash(env: str, capsys) -> None:
    code, out, _ = run(capsys, "ask", "/documents")
    assert code == 0 and "No document status" in out


def test_bad_command_argument_is_a_clear_error(env: str, capsys) -> None:
    code, out, _ = run(capsys, "ask", "/meetings", "someday")
    assert code == 1 and "'when' must be upcoming, past or all" in out
    code, out, _ = run(capsys, "ask", "/timeline", "lots")
    assert code == 1 and "days must be a whole number" in out


def test_broken_database_url_is_one_line_and_exit_2(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2")
    code, out, err = run(capsys, "ask", "/documents")
    assert code == 2 and err.count("\n") == 1 and "cannot connect to the database" in err
    assert "Traceback" not in err


def test_bad_now_is_a_clear_error(monkeypatch, capsys, sqlite_url) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    code, _, err = run(capsys, "--now", "yesterday-ish", "ask", "/next")
    assert code == 2 and "PARLEY_NOW" in err


def test_malformed_seed_writes_nothing(env: str, capsys, tmp_path, monkeypatch) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "004_bbb4f48481b76cd2.txt").write_bytes(b"\xff\xfe broken \x00")
    monkeypatch.setenv("PARLEY_SEEDS_DIR", str(seeds))
    code, _, err = run(capsys, "seed")
    assert code == 2 and "004_bbb4f48481b76cd2.txt is not UTF-8 text" in err
    _, out, _ = run(capsys, "ask", "/about")
    assert "0 relevant of 0 articles" in out


def test_missing_manifest_is_a_clear_error(env: str, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PARLEY_SEEDS_DIR", str(tmp_path))
    code, _, err = run(capsys, "seed")
    assert code == 2 and "manifest.yaml" in err


def test_extract_jsonl_keeps_order_and_schema(tmp_path, capsys) -> None:
    lines = [
        {
            "id": "a",
            "title": "Talks",
            "text": (ROOT / "seeds/004_bbb4f48481b76cd2.txt").read_text(),
            "published": "2026-01-26",
            "url": None,
        },
        {
            "id": "b",
            "title": "Football",
            "text": "Shakhtar Donetsk beat Dynamo Kyiv 2-1 on Saturday.",
            "published": None,
            "url": None,
        },
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    code, out, _ = run(capsys, "extract", "--jsonl", str(src))
    rows = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["a", "b"]
    assert set(rows[0]) >= {"id", "relevant", "relevance_score", "reasons", "meetings", "documents"}
    assert rows[0]["relevant"] and not rows[1]["relevant"] and rows[1]["meetings"] == []


def test_extract_bad_jsonl_line_names_the_line(tmp_path, capsys) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "title": "x", "text": "y"}\nnot json\n')
    code, _, err = run(capsys, "extract", "--jsonl", str(src))
    assert code == 2 and "in.jsonl:2: not valid JSON" in err


def test_extract_plain_file(capsys) -> None:
    code, out, _ = run(
        capsys, "extract", str(ROOT / "seeds/001_f31a154a8c26cd7a.txt"), "--published", "2026-01-12"
    )
    row = json.loads(out)
    assert code == 0 and row["relevant"] and any(m["place"] == "Paris" for m in row["meetings"])
