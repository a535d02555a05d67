"""The example generator: deterministic, the real gemeenten, the built-in effects in the raw data
(checked with pandas on the CSV files, not with doelenboom), labelled fictitious, and the shipped
folder examples/koplopers equal to what the generator writes."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO
from doelenboom import example_data
from doelenboom.units import gemeenten_path

SHIPPED = REPO / "examples" / "koplopers"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_data.generate(tmp_path_factory.mktemp("example")).parent


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_data(example: Path, tmp_path: Path) -> None:
    again = example_data.generate(tmp_path / "again").parent
    assert files(again) == files(example)
    other = example_data.generate(tmp_path / "other", seed=7).parent
    assert (other / "data" / "registraties.csv").read_bytes() != (example / "data" / "registraties.csv").read_bytes()
    assert (other / "data" / "antwoorden.csv").read_bytes() != (example / "data" / "antwoorden.csv").read_bytes()
    # The settings do not depend on the seed except the seed of the rank simulation.
    assert (other / "pipeline.yaml").read_bytes() == (example / "pipeline.yaml").read_bytes()
    assert "seed: 7" in (other / "koplopers.yaml").read_text(encoding="utf-8")


def test_the_shipped_folder_is_what_the_generator_writes(example: Path) -> None:
    generated = files(example)
    shipped = {name: data for name, data in files(SHIPPED).items() if name != ".gitignore"}
    # The invented data (data/*.csv) are generated, not stored; everything else is shipped as is.
    assert shipped == {name: data for name, data in generated.items() if not name.endswith(".csv") or "/" not in name}
    assert sorted(n for n in generated if n.startswith("data/") and n.endswith(".csv")) == [
        "data/antwoorden.csv",
        "data/duiding.csv",
        "data/kengetallen.csv",
        "data/registraties.csv",
        "data/verhalen.csv",
        "data/zrm.csv",
    ]


def test_units_are_the_real_gemeenten(example: Path) -> None:
    with gemeenten_path().open(encoding="utf-8") as handle:
        real = {row["gm_code"]: row for row in csv.DictReader(handle)}
    units = pd.read_csv(example / "eenheden.csv", dtype=str)
    assert list(units["id"]) == list(example_data.GEMEENTEN)
    for row in units.itertuples():
        assert row.name == real[row.id]["name"]
        assert row.province == real[row.id]["province"]
        assert row.population == real[row.id]["population"]
    assert "Neder-Betuwe" in set(units["name"])
    assert "Pekela" in set(units["name"])


def test_everything_says_fictitious(example: Path) -> None:
    config = (example / "koplopers.yaml").read_text(encoding="utf-8")
    assert "fictitious: true" in config
    assert "fictieve gegevens" in config
    assert "FICTIEVE GEGEVENS" in (example / "README.md").read_text(encoding="utf-8")
    stories = pd.read_csv(example / "data" / "verhalen.csv")
    assert stories["title"].str.contains("FICTIEVE GEGEVENS").all()
    counts = pd.read_csv(example / "data" / "kengetallen.csv")
    assert counts["source"].str.contains("FICTIEVE GEGEVENS").all()


def test_the_built_in_effects_are_in_the_raw_data(example: Path) -> None:
    reg = pd.read_csv(example / "data" / "registraties.csv", dtype={"jaar": str}, keep_default_na=False)
    clients = reg.drop_duplicates(["gemeente", "jaar", "client"])
    opheusden = clients[(clients["gemeente"] == "GM1740") & (clients["kern"] == "Opheusden")]
    per_year = opheusden.groupby("jaar").size()
    assert set(per_year.index) == {"2021", "2022", "2023"}  # no one from Opheusden in 2024
    assert (per_year > 15).all()
    rheden = clients[clients["gemeente"] == "GM0275"].groupby("jaar").size()
    assert rheden["2024"] < 0.7 * rheden[["2021", "2022", "2023"]].mean()
    almere = clients[(clients["gemeente"] == "GM0034") & (clients["migratieachtergrond"] == "ja")].groupby("jaar").size()
    assert almere["2024"] < 0.7 * almere[["2021", "2022", "2023"]].mean()
    # Teylingen's median lead time (last end - first start per closed client) above 28 days in 2023 and 2024.
    closed = reg[(reg["gemeente"] == "GM1525") & (reg["einddatum"] != "")]
    days = (pd.to_datetime(closed["einddatum"]) - pd.to_datetime(closed["startdatum"])).dt.days
    lead = closed.assign(days=days).drop_duplicates(["jaar", "client"]).groupby("jaar")["days"].median()
    assert lead["2023"] > 28
    assert lead["2024"] > 28
    assert lead["2021"] < 28
    answers = pd.read_csv(example / "data" / "antwoorden.csv", dtype={"jaar": str})
    respondents = answers.drop_duplicates(["gemeente", "jaar", "respondent"]).groupby(["gemeente", "jaar"]).size()
    assert (respondents["GM0175"] < 10).all()  # Ommen: too few to publish
    quality = answers[(answers["vraag"] == "ceo_kwaliteit") & answers["antwoord"].notna()]
    agree = quality.assign(agree=quality["antwoord"].astype(float) >= 4).groupby(["gemeente", "jaar"])["agree"].mean()
    assert agree["GM0717"]["2024"] < 0.75 < agree["GM0717"]["2021"]


def test_command_line_writes_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert example_data.main([str(tmp_path / "x"), "--seed", "3"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "x" / "koplopers.yaml")
    assert (tmp_path / "x" / "data" / "zrm.csv").is_file()
