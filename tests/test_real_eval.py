"""The real-documents scorer: its comparisons, and a whole run on a gold set made here."""

from __future__ import annotations

import json
from pathlib import Path

from benchmark_scripts import load_benchmark

real_eval = load_benchmark("real_eval")


def test_key_ignores_spaces_and_folds_dashes_and_quotes() -> None:
    assert real_eval.key("7.17.We invite \u2018them\u2019 \u2013 now") == real_eval.key(
        "7.17. We invite 'them' - now"
    )
    assert real_eval.key("a\u00adb") == "ab"


def test_names_match_when_equal_contained_or_initials() -> None:
    assert real_eval.same_name("the Government", "Government")
    assert real_eval.same_name("Department for Work and Pensions", "DWP")
    assert real_eval.same_name("HM Revenue and Customs", "HMRC")
    assert real_eval.same_name("UK Government (Cabinet Office)", "Cabinet Office")
    assert not real_eval.same_name("NHS England", "NHS Providers")
    assert not real_eval.same_name("NHS England", None)
    assert real_eval.same_name(None, None)
    assert real_eval.same_name("NHSE and DHSC", "NHSE; DHSC")
    assert real_eval.same_name("the Government", "Government; local authorities")
    assert not real_eval.same_name("the Government", "NHS England; local authorities")
    assert not real_eval.same_name(None, "the Government")


def test_speakers_match_by_surname_titles_and_suffixes_aside() -> None:
    assert real_eval.same_speaker("Ms Milton (Anne Milton MP)", "Anne Milton")
    assert real_eval.same_speaker("Mr King (Justin King)", "Mr King")
    assert not real_eval.same_speaker(
        "Mr King (Justin King)", "As Sir Gordon Messenger"
    )


def test_refs_match_without_spaces_or_with_the_publisher_in_front() -> None:
    assert real_eval.same_ref("CP 1240", "CP1240")
    assert real_eval.same_ref(
        "HM Revenue and Customs Research Report 361", "Research Report 361"
    )
    assert not real_eval.same_ref("HL Paper 190", "190")
    assert real_eval.same_ref(None, None)
    assert not real_eval.same_ref(None, "HC 12")


def test_titles_match_when_close_in_length() -> None:
    assert real_eval.same_title("Behaviour Change", "BEHAVIOUR CHANGE")
    assert real_eval.same_title(
        "The Space Economy: Act Now or Lose Out",
        "The Space Economy: Act Now or Lose Out.",
    )
    assert not real_eval.same_title("Behaviour Change", "Committee Report 4.3")
    assert not real_eval.same_title(
        "NHS productivity", "NHS productivity update for the board meeting in December"
    )


def _gold_set(root: Path) -> Path:
    """One Markdown document with complete gold, in the layout of the real set."""
    (root / "docs").mkdir(parents=True)
    (root / "gold").mkdir()
    (root / "stress").mkdir()
    (root / "stress" / "EXPECTED.tsv").write_text(
        "file\texpected\nempty.pdf\trefuse: empty file\n", encoding="utf-8"
    )
    (root / "stress" / "empty.pdf").write_bytes(b"")
    text = (
        "# Community pharmacy funding\n\n"
        "## Summary\n\n"
        "Pharmacies received £2.6 billion in 2023, and 43% of them reported a loss.\n\n"
        "We recommend that the Department of Health and Social Care reviews the contract.\n"
    )
    (root / "docs" / "pharmacy.md").write_text(text, encoding="utf-8")
    gold = {
        "file": "pharmacy.md",
        "format": "md",
        "metadata": {
            "title": "Community pharmacy funding",
            "org": "Pharmacy Council",
            "type": "report",
            "date": None,
            "ref": None,
        },
        "sampled_pages": [],
        "sampled_sections": ["Community pharmacy funding", "Summary"],
        "paragraphs": [
            {
                "page": None,
                "starts": "Pharmacies received £2.6 billion in 2023,",
                "ends": "43% of them reported a loss.",
            },
            {
                "page": None,
                "starts": "We recommend that the Department",
                "ends": "reviews the contract.",
            },
        ],
        "noise": [],
        "figures": [
            {
                "page": None,
                "surface": "£2.6 billion",
                "value": 2.6e9,
                "unit": "GBP",
                "kind": "money",
                "context": "received £2.6 billion in",
            },
            {
                "page": None,
                "surface": "43%",
                "value": 43,
                "unit": "%",
                "kind": "percent",
                "context": "and 43% of them",
            },
        ],
        "not_figures": [
            {"page": None, "surface": "2023", "why": "year", "context": "in 2023,"}
        ],
        "recommendations": [
            {
                "page": None,
                "starts": "We recommend that the Department of Health and Social Care",
                "actor": "Pharmacy Council",
                "target": "the Department of Health and Social Care",
                "action_starts": "reviews the contract",
            }
        ],
        "quotes": [],
    }
    (root / "gold" / "pharmacy.md.json").write_text(json.dumps(gold), encoding="utf-8")
    return root


def test_a_whole_run_scores_a_small_gold_set(tmp_path: Path) -> None:
    real = _gold_set(tmp_path / "real")
    scores, problems = real_eval.evaluate_documents(real)
    dev = scores["dev"]
    assert scores["held_out"]["documents"] == 0
    assert dev["documents"] == 1
    assert dev["paragraphs_intact"] == 1.0
    assert dev["title"] == 1.0
    assert dev["figures_recall"] == 1.0
    assert dev["figures_precision"] == 1.0
    assert dev["recommendations_recall"] == 1.0
    assert dev["recommendations_target"] == 1.0
    # The org is not named anywhere in the text: the author is not guessed right,
    # and the problem list says what was found instead.
    assert dev["org"] == 0.0
    assert any(line.startswith("org: got ") for line in problems["pharmacy.md"])
    stress, wrong = real_eval.evaluate_stress(real)
    assert stress == {"files": 1, "as_expected": 1, "read_by_ocr": 0, "share": 1.0}
    assert wrong == []


def test_a_run_of_some_documents_prints_its_table(tmp_path: Path, capsys) -> None:
    """``--only`` scores no stress files, and the table still prints."""
    real = _gold_set(tmp_path / "real")
    assert real_eval.main(["--real", str(real), "--only", "pharmacy"]) == 0
    out = capsys.readouterr().out
    assert "stress files as expected     0/0 (0 of them read by OCR" in out
