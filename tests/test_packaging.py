"""The package list in setup.cfg covers every folder of the package."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    folders = {
        ".".join(path.relative_to(ROOT).parts)
        for path in (ROOT / "evidence").rglob("*")
        if path.is_dir() and path.name != "__pycache__"
    } | {"evidence", "evidence.templates"}
    assert listed == folders


def test_every_data_file_type_is_shipped():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    data = config["options.package_data"]
    for package, folder in (
        ("evidence.data", ROOT / "evidence/data"),
        ("evidence.nlp.patterns", ROOT / "evidence/nlp/patterns"),
        ("evidence.templates", ROOT / "templates"),
    ):
        patterns = {p.strip().lstrip("*") for p in data[package].split(",")}
        for path in folder.iterdir():
            if path.is_file() and path.suffix != ".py":
                assert path.suffix in patterns, f"{path} would not be installed"
