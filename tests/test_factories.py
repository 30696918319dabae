"""The spaCy factories' declarations and config, and the shared lexicon helpers."""

import json
import re
from pathlib import Path

import spacy
from spacy.language import Language

from evidence.nlp import factories
from evidence.nlp.patterns import PATTERNS_DIR, alternation, load_patterns
from evidence.nlp.pipeline import findings_from_doc

TEXT = (
    "The NAO found that costs rose by 12% to \u00a35.7bn in 2023/24. "
    "We recommend that DHSC publishes a workforce plan. "
    "\u201cWe need more nurses,\u201d said Jane Smith, chief executive of NHS Providers."
)

DEFAULT_KEYS = {
    "evidence_figures_v1": "figures",
    "evidence_organisations_v1": "orgs",
    "evidence_quotes_v1": "quotes",
    "evidence_recommendations_v1": "recommendations",
    "evidence_claims_v1": "claims",
}


def _findings(pipeline: Language, text: str) -> list[tuple]:
    return [
        (f.kind, f.start, f.end, f.text, sorted(f.data.items()))
        for f in findings_from_doc(pipeline(text))
    ]


def test_every_factory_declares_config_and_attributes() -> None:
    assert [factory for _, factory in factories.COMPONENTS] == list(DEFAULT_KEYS)
    for factory, key in DEFAULT_KEYS.items():
        meta = Language.get_factory_meta(factory)
        assert meta.default_config == {"spans_key": key}
        assert meta.assigns == ["doc.spans", "span._.finding"]
    requires = {
        factory: Language.get_factory_meta(factory).requires for factory in DEFAULT_KEYS
    }
    assert requires == {
        "evidence_figures_v1": ["token.is_sent_start"],
        "evidence_organisations_v1": [],
        "evidence_quotes_v1": [],
        "evidence_recommendations_v1": ["token.is_sent_start", "doc.spans"],
        "evidence_claims_v1": ["token.is_sent_start", "doc.spans"],
    }


def test_the_built_pipeline_meets_every_requirement(nlp: Language) -> None:
    analysis = nlp.analyze_pipes()
    assert all(problems == [] for problems in analysis["problems"].values())
    assert nlp.config["components"]["evidence_claims"] == {
        "factory": "evidence_claims_v1",
        "spans_key": "claims",
    }


def test_a_saved_pipeline_loads_and_finds_the_same(
    nlp: Language, tmp_path: Path
) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == nlp.pipe_names
    found = _findings(nlp, TEXT)
    assert [kind for kind, *_ in found].count("figure") == 2
    assert _findings(loaded, TEXT) == found


def test_spans_key_names_the_group_written() -> None:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("evidence_figures_v1", config={"spans_key": "numbers"})
    pipeline.add_pipe("evidence_claims_v1", config={"spans_key": "statements"})
    doc = pipeline("The survey found that costs rose by 12% in 2024.")
    assert sorted(doc.spans) == ["numbers", "statements"]
    assert [span._.finding["surface"] for span in doc.spans["numbers"]] == ["12%"]
    assert len(doc.spans["statements"]) == 1


def test_alternation_tries_longer_words_first_whatever_the_order() -> None:
    body = alternation(["call", "call on", "call", "a.bc"])
    assert body == r"call\s+on|a\.bc|call"
    assert alternation(["a.bc", "call on", "call"]) == body
    assert re.match(rf"(?:{body})", "call   on them").group(0) == "call   on"
    assert alternation(["per cent"], space="[ ]") == "per[ ]+cent"


def test_load_patterns_reads_a_name_here_or_a_path_elsewhere(tmp_path: Path) -> None:
    shipped = load_patterns("claims.json")
    assert shipped == json.loads(
        (PATTERNS_DIR / "claims.json").read_text(encoding="utf-8")
    )
    mine = tmp_path / "claims.json"
    mine.write_text('{"min_words": 3}', encoding="utf-8")
    assert load_patterns(mine) == {"min_words": 3}
