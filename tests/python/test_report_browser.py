"""The report in a real browser: headless Chromium (Debian's ``chromium``), started by the test and
driven over the DevTools protocol (websocket-client). The page must load from file:// without a
single console error or exception; the tree, the tables and the signal sentences must be on it;
navigation to another gemeente must work; the duiding form must save a CSV that pandas reads back
as the answers on the form. Screenshots are saved in the test's tmp_path and copied to
build/test-output/report/ (docs/report.md).

Skipped only when no Chromium is installed and DOELENBOOM_REQUIRE_BROWSER is not set; `make test`
sets it, so CI never skips silently.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import websocket  # websocket-client, in the test extra

from doelenboom.report import DUIDING_COLUMNS, write_report
from monitoring_fixture import HEADLINE, PERIOD, UNITS, UNKNOWN_SE, unknown_se_run
from test_report import OPHEUSDEN_SIGNAL, area_run

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "build" / "test-output" / "report"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


if _browser() is None and not os.environ.get("DOELENBOOM_REQUIRE_BROWSER"):
    pytest.skip(
        "no Chromium on the PATH (Debian: apt-get install chromium); set DOELENBOOM_REQUIRE_BROWSER=1 to make this a failure",
        allow_module_level=True,
    )



class DevTools:
    """A minimal DevTools protocol client over one browser websocket with flat sessions."""

    def __init__(self, url: str) -> None:
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"id": next(self.ids), "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60.0, **match: Any) -> dict[str, Any]:
        """The first event ``method`` (already received or coming) whose params contain ``match``."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                params = event.get("params", {})
                if event["method"] == method and all(params.get(k) == v for k, v in match.items()):
                    return event
            seen = len(self.events)
            if time.monotonic() > deadline:
                msg = f"no {method} {match} within {timeout} s"
                raise TimeoutError(msg)
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                continue

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[DevTools]:
    """A headless Chromium of its own (fresh profile in tmp_path), killed afterwards."""
    binary = _browser()
    if binary is None:
        pytest.fail("DOELENBOOM_REQUIRE_BROWSER is set but no Chromium is on the PATH (Debian: apt-get install chromium)")
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client: DevTools | None = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if process.poll() is not None:
                pytest.fail(f"chromium exited with code {process.returncode} before it listened")
            if time.monotonic() > deadline:
                pytest.fail("chromium did not open its DevTools port within 60 s")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        client = DevTools(f"ws://127.0.0.1:{port}{path}")
        yield client
    finally:
        if client is not None:
            client.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def _open(devtools: DevTools, url: str, downloads: Path) -> str:
    """A new tab on ``url``, with console, log and exceptions reported; its session id."""
    devtools.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads), "eventsEnabled": True})
    target = devtools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Page"):
        devtools.send(f"{domain}.enable", session=session)
    devtools.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1600, "deviceScaleFactor": 1, "mobile": False}, session)
    devtools.send("Page.navigate", {"url": url}, session)
    devtools.wait_for("Page.loadEventFired")
    return session


def _eval(devtools: DevTools, session: str, expression: str) -> Any:
    reply = devtools.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session)
    if "exceptionDetails" in reply:
        raise AssertionError(f"{expression}: {reply['exceptionDetails']}")
    return reply["result"].get("value")


def _errors(devtools: DevTools) -> list[str]:
    """Console errors, uncaught exceptions and error log entries seen so far."""
    out = []
    for event in devtools.events:
        params = event.get("params", {})
        if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
            out.append(f"console.{params['type']}: {params.get('args')}")
        elif event["method"] == "Runtime.exceptionThrown":
            out.append(f"exception: {params.get('exceptionDetails')}")
        elif event["method"] == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            out.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
    return out


def _screenshot(devtools: DevTools, session: str, path: Path) -> None:
    data = devtools.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False}, session)["data"]
    path.write_bytes(base64.b64decode(data))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, OUTPUT / path.name)


def test_report_in_headless_chromium(chromium: DevTools, tmp_path: Path) -> None:
    run = area_run()  # the fixture's run with areas and groups in two gemeenten
    report = write_report(run, tmp_path / "rapport.html")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    session = _open(chromium, report.resolve().as_uri(), downloads)

    # The first page: koplopers, with its table and rank chart; every gemeente in the navigation.
    assert _eval(chromium, session, "document.querySelector('section.page.current').id") == "koplopers"
    assert _eval(chromium, session, "document.querySelectorAll('table.koploper-table tbody tr').length") == len(UNITS)
    assert _eval(chromium, session, "document.querySelectorAll('#koplopers figure.rank-chart svg').length") == 1
    assert _eval(chromium, session, "document.querySelectorAll('nav a').length") == 1 + len(UNITS)
    assert _eval(chromium, session, "getComputedStyle(document.getElementById('GM0765')).display") == "none"
    _screenshot(chromium, session, tmp_path / "report-koplopers.png")

    # Navigate to Pekela through its link.
    _eval(chromium, session, "document.querySelector('nav a[href=\"#GM0765\"]').click()")
    _eval(chromium, session, "new Promise(r => setTimeout(r, 200))")
    assert _eval(chromium, session, "document.querySelector('section.page.current').id") == "GM0765"
    assert _eval(chromium, session, "getComputedStyle(document.getElementById('koplopers')).display") == "none"
    assert _eval(chromium, session, "document.querySelector('nav a[aria-current=page]').getAttribute('href')") == "#GM0765"
    # the tree: one drawn node per tree node, visible with a real size
    nodes = _eval(chromium, session, "document.querySelectorAll('#GM0765 figure.tree svg g[id^=\"GM0765-tree-node-\"]').length")
    assert nodes == len(run.tree)
    box = _eval(chromium, session, "(() => { const r = document.querySelector('#GM0765 figure.tree svg').getBoundingClientRect(); return [r.width, r.height]; })()")
    assert box[0] > 600
    assert box[1] > 600
    # the tables
    rows = _eval(chromium, session, "document.querySelectorAll('#GM0765 table.indicator-table tbody tr').length")
    assert rows == len(run.tree.leaves())
    suppressed = _eval(chromium, session, "document.querySelector('#GM0765 tr[data-indicator=\"ind_putten_aanbevelen\"] td.suppressed').textContent")
    assert suppressed == "onderdrukt (kleine aantallen)"
    assert _eval(chromium, session, "document.querySelectorAll('#GM0765 table.peer-table tbody tr').length") > 0
    # the signals of the report period, with their sentences as text (escaped in the file, plain on screen)
    shown = _eval(chromium, session, "Array.from(document.querySelectorAll('#GM0765 .signals-block > ul.signals .message')).map(e => e.textContent)")
    mine = run.signals[(run.signals["unit"] == "GM0765") & (run.signals["period"] == PERIOD)]
    assert sorted(shown) == sorted(mine["message_nl"])
    _screenshot(chromium, session, tmp_path / "report-gemeente.png")

    # The duiding form: type an answer, add an action, save; the download is the CSV of the form.
    _eval(chromium, session, "document.getElementById('GM0765-verklaren').value = 'Minder \"vragen\", meer\\nhuisbezoek'")
    _eval(chromium, session, "document.querySelector('#GM0765 button[data-action=add]').click()")
    _eval(
        chromium,
        session,
        "(() => { const r = document.querySelectorAll('#GM0765 tr.action'); const last = r[r.length - 1];"
        " last.querySelector('input[name=who]').value = 'Wijkteam';"
        " last.querySelector('input[name=what]').value = 'Spreekuur, elke week';"
        " last.querySelector('input[name=when]').value = '2025'; })()",
    )
    _eval(chromium, session, "document.querySelector('#GM0765 button[data-action=save]').click()")
    done = chromium.wait_for("Browser.downloadProgress", state="completed")
    assert done["params"]["state"] == "completed"
    saved = downloads / "duiding.csv"
    deadline = time.monotonic() + 20
    while not saved.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    table = pd.read_csv(saved, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == DUIDING_COLUMNS
    pekela = table[(table["unit"] == "GM0765") & (table["period"] == PERIOD)]
    answers = dict(zip(pekela["question"], pekela["answer"], strict=False))
    assert answers["herkennen"] == 'Ja, dit "klopt" <grotendeels> & meer'
    assert answers["verklaren"] == 'Minder "vragen", meer\nhuisbezoek'
    assert answers["verbeteren"] == "Meer\nhuisbezoeken"
    actions = pekela[pekela["question"] == "actie"][["who", "what", "when"]].to_numpy().tolist()
    assert actions == [["Team OCO", "Folder, vernieuwd", "2025-Q1"], ["Wijkteam", "Spreekuur, elke week", "2025"]]
    kept = table[table["unit"] == "GM0668"]
    assert kept[["period", "question", "answer"]].to_numpy().tolist() == [["2023", "waarderen", "Oud antwoord"]]
    status = _eval(chromium, session, "document.querySelector('#GM0765 .status').textContent")
    assert "duiding.csv" in status

    # Reach by area and group on Neder-Betuwe: a row per area, suppressed cells as text; the alarm on
    # Opheusden links to its signal, which opens on the same page, scrolled into view.
    _eval(chromium, session, "location.hash = '#GM1740'")
    _eval(chromium, session, "new Promise(r => setTimeout(r, 200))")
    table = "#GM1740 table.area-table"
    areas = run.areas[run.areas["unit"] == "GM1740"]
    assert _eval(chromium, session, f"document.querySelectorAll('{table} tbody tr').length") == len(areas[["area", "indicator"]].drop_duplicates())
    ochten = _eval(chromium, session, f"Array.from(document.querySelectorAll('{table} tr[data-area=\"kern=Ochten\"] td')).map(e => e.textContent)")
    assert ochten[1] == "onderdrukt (kleine aantallen)"
    assert _eval(chromium, session, f"document.querySelector('{table} td.severity-alert a.badge').textContent") == "alarm"
    _eval(chromium, session, f"document.querySelector('{table} td.severity-alert a.badge').click()")
    _eval(chromium, session, "new Promise(r => setTimeout(r, 300))")
    assert _eval(chromium, session, "document.querySelector('section.page.current').id") == "GM1740"
    anchor = _eval(chromium, session, "location.hash.slice(1)")
    assert OPHEUSDEN_SIGNAL in _eval(chromium, session, f"document.getElementById('{anchor}').textContent")
    top = _eval(chromium, session, f"document.getElementById('{anchor}').getBoundingClientRect().top")
    assert 0 <= top < 1600
    # On a phone-wide screen the table scrolls sideways inside its block; the page itself does not.
    chromium.send("Emulation.setDeviceMetricsOverride", {"width": 400, "height": 800, "deviceScaleFactor": 1, "mobile": True}, session)
    _eval(chromium, session, "document.querySelector('#GM1740 .areas-block').scrollIntoView()")
    wrap = _eval(chromium, session, "(() => { const w = document.querySelector('#GM1740 .areas-block .table-wrap');"
                 " return [w.scrollWidth, w.clientWidth, w.getBoundingClientRect().right, window.innerWidth]; })()")
    assert wrap[0] > wrap[1]
    assert wrap[2] <= wrap[3]
    _screenshot(chromium, session, tmp_path / "report-areas.png")

    assert _errors(chromium) == []


def test_no_zero_width_interval_for_an_unknown_standard_error(chromium: DevTools, tmp_path: Path) -> None:
    """Issue 15, acceptance 4: where a standard error is unknown the report on screen says
    "onbekend" for the score, rank and change intervals, never a zero-width "2 (2\u20132)"."""
    run = unknown_se_run()  # UNKNOWN_SE: one indicator of Utrecht delivered without its se
    report = write_report(run, tmp_path / "rapport.html")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    session = _open(chromium, report.resolve().as_uri(), downloads)
    unit = UNKNOWN_SE[0]
    unknown = [n for n in HEADLINE if pd.isna(run.koplopers.loc[(unit, n), "low"])]
    assert unknown == ["zelfregie", "mogen_kiezen"]
    # The koploper table: cells after the size class are (score, rank) per headline node, then the change.
    cells = _eval(
        chromium, session, f"Array.from(document.querySelectorAll('table.koploper-table tr[data-unit=\"{unit}\"] td')).map(e => e.innerText)"
    )
    for i, node in enumerate(HEADLINE):
        score, rank = cells[1 + 2 * i], cells[2 + 2 * i]
        shown = int(run.koplopers.loc[(unit, node), "rank"])
        if node in unknown:
            assert score.split()[-1] == "onbekend"
            assert rank == f"{shown} (onbekend)"
        else:
            low, high = rank.split("(")[1].rstrip(")").split("\u2013")
            assert "onbekend" not in score + rank
            assert float(low) <= shown <= float(high)
    assert cells[-1].endswith("[onbekend]")
    note = _eval(chromium, session, "document.querySelector('#koplopers p.unknown-se').innerText")
    assert note.startswith("Standaardfout onbekend bij: Utrecht.")
    # On its page the summary says the same.
    _eval(chromium, session, f"location.hash = '#{unit}'")
    _eval(chromium, session, "new Promise(r => setTimeout(r, 200))")
    assert _eval(chromium, session, "document.querySelector('section.page.current').id") == unit
    summary = _eval(chromium, session, f"document.querySelector('#{unit} .summary').innerText")
    assert "(interval onbekend) in " + PERIOD in summary
    assert "van 6 (interval onbekend)" in summary
    _screenshot(chromium, session, tmp_path / "report-unknown-se.png")
    assert _errors(chromium) == []
