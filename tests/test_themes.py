"""Theme taxonomy, assignment, related themes and discovery."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from evidence.errors import TaxonomyError
from evidence.themes import (
    ThemeScore,
    assign_themes,
    document_themes,
    finding_themes,
    load_taxonomy,
    related_themes,
)
from evidence.themes.discover import discover_themes
from evidence.themes.normalise import stem, stems

DEFAULT_IDS = (
    "workforce",
    "finance",
    "capital",
    "prevention",
    "inequalities",
    "social-care",
    "primary-care",
    "digital",
    "governance",
    "performance",
    "integration",
    "commissioning",
)

CUSTOM = """\
# two themes for a transport inquiry
[[theme]]
id = "rail"
label = "Rail"
description = "Trains, track and stations."
terms = ["railway", "train operator", "signalling"]

[[theme]]
id = "buses"
label = "Buses"
description = "Local bus services and fares."
terms = ["bus service", "bus fares", "bus"]
weak_terms = ["route", "timetable"]
"""


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "themes.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_taxonomy_has_the_twelve_themes(taxonomy):
    assert taxonomy.ids == DEFAULT_IDS
    for theme in taxonomy.themes:
        assert 15 <= len(theme.terms) <= 40, theme.id
        assert theme.label and theme.description
    assert taxonomy.get("primary-care").label == "Primary care"


def test_default_terms_are_distinct_after_normalising(taxonomy):
    for theme in taxonomy.themes:
        keys = [tuple(stems(t)) for t in theme.terms + theme.weak_terms]
        assert len(keys) == len(set(keys)), theme.id


def test_stemmer_strips_inflections_only():
    assert stem("commissioners") == "commissioner"
    assert stem("commissioning") == "commission"
    assert stem("policies") == "policy"
    assert stem("planned") == "plan"
    assert stem("staffing") == "staff"
    assert stem("nurses") == stem("nursing") == "nurs"
    assert stem("analysis") == "analysis"
    assert stem("integration") != stem("integrated")
    assert stems("The NHS's co-production") == ["the", "nhs", "co", "production"]


def test_seed_terms_match_case_insensitively_multiword_and_inflected(taxonomy):
    result = assign_themes(
        [
            (
                "p1",
                "Backlog Maintenance and the CAPITAL REGIME worry Trusts; estates backlog maintenance grows.",
            )
        ],
        taxonomy,
        use_model=False,
    )
    # three distinct terms, one of them twice: 1 - 0.5 ** (3 + 0.5)
    assert result == {
        "p1": [
            ThemeScore(
                "capital",
                round(1 - 0.5**3.5, 4),
                "seed: backlog maintenance, capital regime, estates",
            )
        ]
    }


def test_longest_term_wins_and_neutral_terms_assign_nothing(taxonomy):
    result = assign_themes(
        [
            ("a", "The Care Quality Commission inspected the service."),
            ("b", "Integrated care systems were created in July 2022."),
        ],
        taxonomy,
        use_model=False,
    )
    assert result == {
        "a": [ThemeScore("governance", 0.5, "seed: care quality commission")],
        "b": [],
    }


def test_neutral_terms_are_kept_from_the_model(taxonomy):
    from evidence.themes.seeds import matcher_for

    found, words = matcher_for(taxonomy).scan(
        stems("The Department of Health & Social Care and integrated care systems met")
    )
    assert found == {}
    assert words == ["the", "and", "met"]
    found, words = matcher_for(taxonomy).scan(stems("Staff left"))
    assert (
        words == ["staff", "left"]
        and set(found) == {"workforce"}
        and not found["workforce"].assigned
    )


def test_discharge_is_social_care_and_integration_and_chair_is_no_theme(taxonomy):
    result = assign_themes(
        [
            ("d", "Delayed discharge from hospital rose again."),
            ("c", "Said the chair of the board."),
        ],
        taxonomy,
        use_model=False,
    )
    assert result == {
        "c": [],
        "d": [
            ThemeScore("social-care", 0.5, "seed: delayed discharge"),
            ThemeScore("integration", 0.5, "seed: delayed discharge"),
        ],
    }


def test_weak_terms_need_a_second_term(taxonomy):
    result = assign_themes(
        [("one", "Staff were consulted."), ("two", "Staff pay was discussed.")],
        taxonomy,
        use_model=False,
    )
    assert result == {
        "one": [],
        "two": [ThemeScore("workforce", 0.75, "seed: pay, staff")],
    }


def _corpus() -> list[tuple[str, str]]:
    """Seeded passages whose themes keep distinctive company, plus unseeded ones."""
    passages = []
    for i in range(12):
        passages.append(
            (
                f"w{i:02d}",
                f"Workforce shortages mean rota gaps and exhausted clinicians in ward {i}.",
            )
        )
        passages.append(
            (
                f"d{i:02d}",
                f"Digital records and interoperability need broadband upgrades in area {i}.",
            )
        )
        passages.append(
            (
                f"o{i:02d}",
                f"The meeting on day {i} considered minutes, apologies and any other business.",
            )
        )
    passages.append(
        (
            "x1",
            "Rota gaps leave exhausted clinicians covering extra shifts on every ward.",
        )
    )
    passages.append(("x2", "Broadband upgrades remain patchy across the area served."))
    return passages


def test_model_extends_seed_labels_to_other_words(taxonomy):
    result = assign_themes(_corpus(), taxonomy, use_model=True, threshold=0.4)
    assert [(s.theme, s.reason) for s in result["x1"]] == [("workforce", "model")]
    assert [(s.theme, s.reason) for s in result["x2"]] == [("digital", "model")]
    assert result["o03"] == []
    assert 0.4 <= result["x2"][0].score <= 1.0
    # seeded passages keep their seed reason; the model adds no duplicate
    assert result["w03"] == [ThemeScore("workforce", 0.5, "seed: workforce")]
    seeds_only = assign_themes(_corpus(), taxonomy, use_model=False)
    assert seeds_only["x1"] == [] and seeds_only["x2"] == []


def test_assignment_is_deterministic_and_order_free(taxonomy):
    corpus = _corpus()
    first = assign_themes(corpus, taxonomy)
    second = assign_themes(list(reversed(corpus)), taxonomy)
    assert first == second
    assert list(first) == sorted(first)
    for scores in first.values():
        for s in scores:
            assert s.score == round(s.score, 4)


def test_custom_taxonomy_replaces_the_default(tmp_path):
    custom = load_taxonomy(write(tmp_path, CUSTOM))
    assert custom.ids == ("rail", "buses")
    result = assign_themes(
        [
            ("p1", "Railways and bus services both need workforce planning."),
            ("p2", "The route timetable changed."),
        ],
        custom,
        use_model=False,
    )
    assert result == {
        "p1": [
            ThemeScore("rail", 0.5, "seed: railway"),
            ThemeScore("buses", 0.5, "seed: bus service"),
        ],
        "p2": [ThemeScore("buses", 0.75, "seed: route, timetable")],
    }


def test_toml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, CUSTOM.replace('label = "Buses"', "label = Buses"))
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert str(info.value) == f"{path}, line 10: not valid TOML: Invalid value"
    assert info.value.hint.startswith("quote text values")


def test_theme_without_terms_names_its_line(tmp_path):
    path = write(
        tmp_path,
        CUSTOM.replace('terms = ["railway", "train operator", "signalling"]\n', ""),
    )
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert (
        str(info.value)
        == f"{path}, line 2: theme 'rail' needs terms as a non-empty list of strings"
    )
    assert info.value.hint == 'add terms = ["first term", "second term"] to the theme'


def test_duplicate_and_bad_ids_are_refused(tmp_path):
    path = write(tmp_path, CUSTOM.replace('id = "buses"', 'id = "rail"'))
    with pytest.raises(
        TaxonomyError, match=r"line 8: theme id 'rail' already used at line 2$"
    ):
        load_taxonomy(path)
    path = write(tmp_path, CUSTOM.replace('id = "buses"', 'id = "Bus Services"'))
    with pytest.raises(
        TaxonomyError, match=r"line 8: theme id must be a lower-case slug"
    ):
        load_taxonomy(path)
    with pytest.raises(TaxonomyError, match=r"no such taxonomy file"):
        load_taxonomy(tmp_path / "missing.toml")


def test_finding_takes_passage_themes_unless_clearly_narrower(taxonomy):
    passage = [
        ThemeScore("finance", 0.75, "seed: budget, deficit"),
        ThemeScore("workforce", 0.5, "seed: vacancy"),
    ]
    assert finding_themes(
        "The deficit widened to £1.2 billion.", passage, taxonomy
    ) == ["finance"]
    assert finding_themes(
        "Vacancies and the deficit both grew.", passage, taxonomy
    ) == ["finance", "workforce"]
    # no seed terms of its own: what the passage is clearly about (two terms,
    # or a confident model), not every passing mention ...
    assert finding_themes(
        "This was noted by several witnesses.", passage, taxonomy
    ) == ["finance"]
    # ... and all of the passage's themes when none is clear
    mentions = [
        ThemeScore("workforce", 0.5, "seed: vacancy"),
        ThemeScore("governance", 0.6, "model"),
    ]
    assert finding_themes(
        "This was noted by several witnesses.", mentions, taxonomy
    ) == ["workforce", "governance"]


def test_document_themes_need_more_than_a_passing_mention():
    w = ThemeScore("workforce", 0.5, "seed: workforce")
    f = ThemeScore("finance", 0.5, "seed: deficit")
    assert document_themes([[w], [w, f], [w], [], [w]]) == ["workforce"]
    assert document_themes([[w], [w, f], [f], [w]]) == ["workforce", "finance"]
    assert document_themes([[], []]) == []
    # ten themed passages: two mentions of finance are not enough (three needed)
    assert document_themes([[w]] * 8 + [[w, f]] * 2) == ["workforce"]
    assert document_themes([[w]] * 7 + [[w, f]] * 3) == ["workforce", "finance"]


def test_related_themes_by_normalised_pmi():
    def s(theme: str) -> ThemeScore:
        return ThemeScore(theme, 0.5, "model")

    assignments = {
        "1": [s("a"), s("b")],
        "2": [s("a"), s("b")],
        "3": [s("c")],
        "4": [s("c")],
    }
    # p(a)=p(b)=p(ab)=1/2: npmi = log(0.5 / 0.25) / -log(0.5) = 1
    assert related_themes(assignments) == {
        "a": [("b", 1.0)],
        "b": [("a", 1.0)],
        "c": [],
    }
    assignments["5"] = [s("a"), s("c")]
    assignments["6"] = [s("a"), s("c")]
    expected = round(math.log((2 / 6) / ((4 / 6) * (4 / 6))) / -math.log(2 / 6), 4)
    assert expected < 0
    assert related_themes(assignments)["c"] == []
    assert related_themes(assignments)["a"] == [
        ("b", round(math.log((2 / 6) / ((4 / 6) * (2 / 6))) / -math.log(2 / 6), 4))
    ]


def test_discover_themes_separates_two_topics():
    passages = []
    for i in range(6):
        passages.append(
            (
                f"h{i}",
                f"Housing association tenants face damp flats and mould repairs, report {i}.",
            )
        )
        passages.append(
            (
                f"t{i}",
                f"Transport links and bus routes to hospital outpatient clinics, survey {i}.",
            )
        )
    found = discover_themes(passages, n_topics=2, seed=0)
    assert len(found) == 2
    by_first = {c.passage_ids[0][0]: c for c in found}
    assert set(by_first) == {"h", "t"}
    assert by_first["h"].size == 6 and by_first["t"].size == 6
    assert all(p.startswith("h") for p in by_first["h"].passage_ids)
    housing = "housing association tenants face damp flats and mould repairs report"
    assert len(by_first["h"].terms) == 8
    assert all(
        set(term.split()) <= set(housing.split()) for term in by_first["h"].terms
    )
    assert by_first["t"].terms[0] == "bus"
    assert discover_themes(passages, n_topics=2, seed=0) == found
    assert discover_themes([("only", "one passage")]) == []


def test_a_saved_model_predicts_as_the_learned_one_without_scikit_learn(tmp_path):
    import subprocess
    import sys

    import numpy as np

    from evidence.themes.model import SavedThemeModel, ThemeModel, content_words
    from evidence.themes.normalise import stems

    topics = {
        "workforce": "nurses vacancies recruitment retention staff pay training doctors shortages",
        "capital": "buildings estates maintenance backlog equipment hospitals capital allocations",
    }
    rng = np.random.default_rng(3)
    texts, labels = [], []
    for n in range(80):
        theme = "workforce" if n % 2 else "capital"
        words = list(rng.choice(topics[theme].split(), size=8)) + [
            "the",
            "system",
            "report",
            f"item{n % 5}",
        ]
        texts.append(" ".join(words))
        labels.append(frozenset({theme}))
    docs = [content_words(stems(t)) for t in texts]
    learned = ThemeModel.fit(docs, labels, ["workforce", "capital"], seed=0)
    path = tmp_path / "model.pkl"
    learned.to_disk(path)
    saved = SavedThemeModel.from_disk(path)
    assert saved is not None and saved.themes == ["capital", "workforce"]
    fresh = [
        content_words(stems("Recruitment of nurses and pay for staff")),
        content_words(stems("the backlog of hospital buildings")),
        [],
    ]
    want = learned.predict(fresh)
    got = saved.predict(fresh)
    assert set(got) == set(want)
    for theme in want:
        assert np.allclose(got[theme], want[theme], atol=1e-6)
    assert got["workforce"][0] > 0.5 > got["workforce"][1]
    probe = (
        "import pickle, sys; from evidence.themes.model import SavedThemeModel; "
        f"SavedThemeModel.from_disk({str(path)!r}).predict([['nurs']]); print('sklearn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
    (tmp_path / "broken.pkl").write_bytes(b"not a pickle")
    assert SavedThemeModel.from_disk(tmp_path / "broken.pkl") is None
    # a model saved in an earlier format (one that learned from neutral
    # terms' words) is not trusted: the caller learns again
    import pickle

    from evidence.themes.model import MODEL_FORMAT

    with path.open("rb") as handle:
        old = pickle.load(handle)
    assert MODEL_FORMAT == 3 and old["version"] == 3
    old["version"] = 2
    (tmp_path / "old.pkl").write_bytes(pickle.dumps(old))
    assert SavedThemeModel.from_disk(tmp_path / "old.pkl") is None
