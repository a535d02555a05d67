#!/usr/bin/env python3
"""Write the seed corpora fuzz/corpus/<target>/ from the shipped examples, the YAML examples of
docs/ and a few small hand-made files. Run from the repository root; the output is committed, so
this is only needed when the formats change. The data and config targets read a first byte that
picks the reader (see fuzz/fuzz_data_csv.cpp and fuzz/fuzz_config_yaml.cpp)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"


def write(target: str, name: str, text: str | bytes) -> None:
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / name).write_bytes(data)


def doc_yaml(doc: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", (ROOT / "docs" / doc).read_text(encoding="utf-8"), re.S)


# Trees: the shipped ones, the example of docs/tree-format.md and a small DAG with weights.
for tree in sorted((ROOT / "examples" / "trees").glob("*.yaml")):
    write("tree_yaml", tree.name, tree.read_bytes())
for i, block in enumerate(doc_yaml("tree-format.md")):
    write("tree_yaml", f"docs-{i}.yaml", block)
write("tree_yaml", "dag.yaml", """doelenboom: 1
name: klein
levels: [doel, factor, indicator]
nodes:
  - {id: top, label: Top, level: doel}
  - {id: a, label: A, level: factor, parents: [top]}
  - {id: b, label: B, level: factor, parents: [{id: top, weight: 2.5}]}
  - {id: x, label: X, level: indicator, kind: indicator, direction: -1, parents: [a, {id: b, weight: 0.5}],
     pillar: bereik, result: output, measure: proportion, norm: 0.8, goalposts: [0, 1]}
""")

# Tree edge lists: the ASEM tree (ASEM column names) and one with the default names.
write("tree_csv", "asem-tree.csv", (ROOT / "tests" / "data" / "asem" / "tree.csv").read_bytes())
write("tree_csv", "default.csv", "id,parent,label,level,weight,direction,kind,description\n"
      "top,,Top,1,,,goal,\"de top, met komma\"\n"
      "a,top,A,2,2,,goal,\n"
      "x,a,X,3,,-1,indicator,\n"
      "y,a,Y,3,0.5,1,indicator,\n"
      "y,top,Y,3,0.5,1,indicator,\n")

# Data readers: the first byte picks the reader.
DATA = {
    "0-dataset.csv": "0unit,period,indicator,value,n,se,ci_low,ci_high,suppressed,source,method\n"
    "GM0001,2023,clienten,120,,,,,0,registratie,distinct clients\n"
    "GM0001,2023,p_tevreden,0.81,42,0.06,0.69,0.9,,enquete,wilson 95%\n"
    "GM0002,2023-Q2,cijfer,7.5,8,,,,1,enquete,\n"
    "GM0002,2024,zrm,0.4,30,0.1,0.2,0.6,false,zrm,\"mean change, t\"\n",
    "1-registrations.csv": "1unit,period,client,hours,referral,referrer_contact,channel,life_domain,start_date,end_date\n"
    "GM0001,2024,c1,2.5,ja,nee,telefoon,financien,2024-01-03,2024-02-01\n"
    "GM0001,2024,c2,1,0,1,balie,wonen,2024-02-29,\n"
    "GM0002,2024,c1,,,,,,,\n"
    "GM0002,2024-Q1,c3,0.25,yes,no,telefoon,zorg,2024-03-01,2024-03-01\n",
    "2-responses.csv": "2unit,period,instrument,respondent,item,value\n"
    "GM0001,2023,kort,r1,q1,4\nGM0001,2023,kort,r1,s1,5\nGM0001,2023,kort,r1,s2,2\n"
    "GM0001,2023,kort,r2,s1,3\nGM0001,2023,kort,r2,s2,4\nGM0001,2023,kort,r2,bekend,ja\n"
    "GM0001,2023,lang,r3,cijfer,8\nGM0001,2023,lang,r4,cijfer,\n",
    "3-prepost.csv": "3unit,period,client,domain,pre,post\n"
    "GM0001,2023,1,financien,2,3\nGM0001,2023,1,wonen,3,3\nGM0001,2023,2,financien,1,4\n"
    "GM0001,2023,2,wonen,2,2\nGM0001,2023,3,financien,4,3\nGM0001,2023,3,wonen,5,\n",
    "4-units.csv": "4id,name,type,parent,cbs_code,province,population,land_area_km2,baseline,stedelijkheid\n"
    "GM0001,Een,gemeente,,GM0001,Utrecht,12000,55.5,2022,matig\n"
    "W1,Wijk een,wijk,GM0001,,,3000,,,\n"
    "GM0002,Twee,,,GM0002,Gelderland,,,,sterk\n",
}
for name, text in DATA.items():
    write("data_csv", name, text)
gemeenten = (ROOT / "python" / "doelenboom" / "data" / "gemeenten.csv").read_text(encoding="utf-8").splitlines()
write("data_csv", "5-gemeenten.csv", "5" + "\n".join(gemeenten[:12]) + "\n")
data_csv = (ROOT / "tests" / "data" / "asem" / "input_iData.csv").read_text(encoding="utf-8").splitlines()
write("data_csv", "0-asem-wide.csv", "0" + "\n".join(data_csv[:4]) + "\n")

# Config readers: the first byte picks the reader.
for i, block in enumerate(doc_yaml("pipeline.md")):
    write("config_yaml", f"0-pipeline-{i}.yaml", "0" + block)
write("config_yaml", "0-pipeline-small.yaml", "0doelenboom_pipeline: 1\nnormalise: {method: zscore}\n"
      "nodes:\n  a:\n    aggregate: {method: min, min_coverage: 0.5}\n    weights: equal\n")
for i, block in enumerate(doc_yaml("signals.md")):
    write("config_yaml", f"1-signals-{i}.yaml", "1" + block)
for i, block in enumerate(doc_yaml("estimates.md")):
    write("config_yaml", f"2-items-{i}.yaml", "2" + block)
for i, block in enumerate(doc_yaml("data-model.md")):
    write("config_yaml", f"3-indicators-{i}.yaml", "3" + block)
write("config_yaml", "4-run.yaml", """4doelenboom_run: 1
name: Voorbeeld
fictitious: true
tree: movisie.yaml
pipeline: pipeline.yaml
signals: signals.yaml
gemeenten: gemeenten.csv
suppression_threshold: 10
pseudonym_key_env: DOELENBOOM_KEY
baseline: 2022
period: 2024
horizon: 2
poisson_counts: true
data:
  registrations:
    files: [registraties.csv]
    columns: {client: clientnummer, hours: uren}
    phone_channel: telefoon
  questionnaire:
    items: items.yaml
    files: [antwoorden.csv]
  prepost:
    files: [zrm.csv]
    prefix: zrm.
    min_score: 1
    max_score: 5
  estimates: [schattingen.csv]
indicators:
  - {node: ind_clienten_bereikt, estimate: reach.clients_per_1000}
compare:
  nodes: [zelfregie]
  peers: size_class
  draws: 1000
  seed: 7
output: uitvoer
""")
