"""Units and indicators from Python: the shipped gemeenten (real values from the file), CBS size
classes, units CSV files, the indicators file and pandas output."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from doelenboom import DataError, ParseError
from doelenboom.indicators import IndicatorDefinition, IndicatorSet
from doelenboom.units import (
    SIZE_CLASSES,
    Unit,
    UnitRegistry,
    cbs_size_class,
    cbs_size_class_bounds,
    gemeenten,
    gemeenten_path,
)

INDICATORS_YAML = """\
doelenboom_indicators: 1
indicators:
  - id: clienten
    label: Cliënten bereikt
    pillar: bereik
    kind: output
    measure: count
    unit: cliënten
  - id: p_tevreden
    label: Aandeel tevreden
    pillar: tevredenheid
    kind: outcome
    measure: proportion
    norm: 0.8
    goalposts: [0.5, 1]
  - id: cijfer
    label: Rapportcijfer
    pillar: satisfaction
    kind: outcome
    measure: mean
    scale: rapportcijfer
    direction: 1
"""


def test_gemeenten_count_population_and_a_known_municipality() -> None:
    reg = gemeenten()
    assert len(reg) == 344
    assert sum(u.population for u in reg) == 17_591_194
    nb = reg.find_by_name("Neder-Betuwe")
    assert nb is not None
    assert (nb.id, nb.cbs_code, nb.province, nb.population, nb.land_area_km2) == (
        "GM1740",
        "GM1740",
        "Gelderland",
        25017.0,
        60.0,
    )
    assert nb.size_class == "20 000 - 50 000"
    assert reg["GM0820"].name == "Nuenen, Gerwen en Nederwetten"
    assert "GM1991" in reg  # Maashorst, a 2022 merger
    assert "GM9999" not in reg
    assert gemeenten_path().name == "gemeenten.csv"
    assert (gemeenten_path().parent / "README.md").is_file()


def test_gemeenten_to_pandas() -> None:
    frame = gemeenten().to_pandas()
    assert frame.shape == (344, 10)
    assert list(frame.columns[:3]) == ["id", "name", "type"]
    assert frame["population"].sum() == 17_591_194
    assert frame["id"].is_unique
    counts = frame["size_class"].value_counts(sort=False)
    # Counted independently from the CSV with the same class bounds.
    assert list(counts.index) == list(SIZE_CLASSES)
    assert list(counts) == [5, 7, 60, 182, 58, 14, 14, 4]
    assert frame.loc[frame["name"] == "Amsterdam", "size_class"].item() == ">= 250 000"
    assert frame["size_class"].cat.ordered
    assert frame["province"].nunique() == 12
    assert frame["baseline"].isna().all()


def test_each_call_gives_a_fresh_registry() -> None:
    a = gemeenten()
    a.set_baseline("GM1740", 2022)
    assert str(a["GM1740"].baseline) == "2022"
    assert gemeenten()["GM1740"].baseline is None


def test_unknown_id_is_a_key_error_with_a_hint() -> None:
    reg = gemeenten()
    with pytest.raises(
        KeyError, match="unknown unit 'Neder-Betuwe' \\('Neder-Betuwe' is the name of 'GM1740'\\)"
    ):
        reg["Neder-Betuwe"]
    assert reg.get("GM9999") is None


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (0, "< 5 000"),
        (4999, "< 5 000"),
        (5000, "5 000 - 10 000"),
        (20000, "20 000 - 50 000"),
        (249_999, "150 000 - 250 000"),
        (250_000, ">= 250 000"),
        (math.nan, ""),
    ],
)
def test_size_class_boundaries(population: float, expected: str) -> None:
    assert cbs_size_class(population) == expected


def test_size_class_bounds() -> None:
    assert cbs_size_class_bounds() == [5000, 10000, 20000, 50000, 100000, 150000, 250000]


def test_registry_from_units_with_labels_and_csv_round_trip(tmp_path: Path) -> None:
    reg = UnitRegistry(
        [
            Unit("GM0301", "Deventer", population=101236, labels={"regio": "Salland"}, baseline="2022"),
            Unit("wijk-1", "Centrum, Deventer", type="gebied", parent="GM0301"),
        ]
    )
    frame = reg.to_pandas()
    assert list(frame.columns) == [
        "id",
        "name",
        "type",
        "parent",
        "cbs_code",
        "province",
        "population",
        "land_area_km2",
        "size_class",
        "baseline",
        "regio",
    ]
    assert frame["regio"][0] == "Salland"
    assert frame["baseline"][0] == "2022"
    assert frame["regio"].isna().tolist() == [False, True]  # no label: missing, not ""
    assert frame["baseline"].isna().tolist() == [False, True]
    assert frame["size_class"].tolist()[0] == "100 000 - 150 000"
    assert math.isnan(frame["population"][1])

    path = tmp_path / "units.csv"
    reg.save_csv(path)
    again = UnitRegistry.load_csv(path)
    assert again.ids() == ["GM0301", "wijk-1"]
    assert again["wijk-1"].parent == "GM0301"
    assert again["GM0301"].labels == {"regio": "Salland"}
    assert str(again["GM0301"].baseline) == "2022"
    assert reg.subset(["wijk-1"])["wijk-1"].parent == ""


def test_registry_validation_lists_every_problem() -> None:
    with pytest.raises(DataError) as info:
        UnitRegistry(
            [Unit("GM0001", "Een"), Unit("GM0001", "Twee"), Unit("p", "P", type="aanbieder", parent="GM9")]
        )
    assert str(info.value) == (
        "2 problems:\n"
        "  unit 'GM0001': duplicate unit id 'GM0001' (first on unit 1)\n"
        "  unit 'p': unknown parent 'GM9' (expected the id of another unit)"
    )
    assert [p["field"] for p in info.value.problems] == ["id", "parent"]


def test_units_csv_bad_cell(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("id,name,population\nGM0301,Deventer,veel\n", encoding="utf-8")
    with pytest.raises(ParseError) as info:
        UnitRegistry.load_csv(path)
    assert (
        str(info.value)
        == f"{path}, row 1, field 'population': 'veel' is not a number (expected a number of inhabitants)"
    )


# ---- indicators -------------------------------------------------------------------------------


def test_indicator_set_load_and_to_pandas(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(INDICATORS_YAML, encoding="utf-8")
    indicators = IndicatorSet.load(path)
    assert len(indicators) == 3
    assert indicators.ids() == ["clienten", "p_tevreden", "cijfer"]
    assert indicators["p_tevreden"].pillar == "satisfaction"  # Dutch name mapped
    assert indicators["p_tevreden"].goalposts == (0.5, 1.0)
    assert indicators["cijfer"].scale == ("rapportcijfer", 1.0, 10.0)
    assert indicators["cijfer"].valid_range() == (1.0, 10.0)
    assert "clienten" in indicators
    assert indicators.get("x") is None
    with pytest.raises(KeyError):
        indicators["x"]

    frame = indicators.to_pandas()
    assert frame["id"].tolist() == ["clienten", "p_tevreden", "cijfer"]
    assert frame["pillar"].tolist() == ["reach", "satisfaction", "satisfaction"]
    assert frame["measure"].tolist() == ["count", "proportion", "mean"]
    assert frame["norm"].tolist()[1] == 0.8
    assert frame["scale_max"].tolist()[2] == 10.0
    assert math.isnan(frame["scale_min"][0])
    assert frame["unit"].tolist()[0] == "cliënten"

    out = tmp_path / "out.yaml"
    indicators.save(out)
    assert IndicatorSet.load(out) == indicators
    assert IndicatorSet.from_yaml(indicators.to_yaml()) == indicators


def test_indicator_set_from_definitions() -> None:
    d = IndicatorDefinition("p", "P", "doelrealisatie", "outcome", "proportion", norm=0.6)
    indicators = IndicatorSet([d])
    assert indicators["p"].pillar == "goal_attainment"
    assert indicators["p"].norm == 0.6
    with pytest.raises(ParseError, match="indicator 'q': a mean needs a scale"):
        IndicatorSet([IndicatorDefinition("q", "Q", "reach", "output", "mean")])


def test_indicator_file_unknown_key_message(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text(INDICATORS_YAML.replace("    pillar: bereik", "    pilar: bereik"), encoding="utf-8")
    with pytest.raises(ParseError) as info:
        IndicatorSet.load(path)
    assert f"{path}:5: indicator 'clienten': unknown key 'pilar' (expected one of: id, label, pillar," in str(
        info.value
    )
    assert f"{path}:3: indicator 'clienten': missing required key 'pillar'" in str(info.value)
    problems = IndicatorSet.check_file(path)
    assert [p["code"] for p in problems] == ["missing_key", "unknown_key"]
    assert [p["line"] for p in problems] == [3, 5]
