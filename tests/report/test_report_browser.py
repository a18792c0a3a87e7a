"""Open a real report in headless Chromium: it renders, logs no errors, shows the top issue,
shows the demo's CIFAR-10 thumbnails, and never scrolls sideways at 1,024 to 1,600 px.

Two drivers, both offline: Selenium with the system chromedriver (its path is set
explicitly, so Selenium Manager never goes to the network), and the bare
``chromium --headless --screenshot/--dump-dom``, which needs nothing but the browser. Install
the browser with ``scripts/install-browser.sh``; without it these tests are skipped. Set
``LABELNOISE_SCREENSHOTS=DIR`` to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
WINDOW = (1280, 1000)
#: The report must fit these window widths without sideways scrolling.
WIDTHS = (1024, 1600)
#: Widths of the page, and of each table against its scroll box and card, in CSS pixels.
OVERFLOW_JS = """
return {
  page: [document.documentElement.scrollWidth, window.innerWidth],
  tables: [...document.querySelectorAll('table')].map(t => [
    t.closest('section').id, t.scrollWidth, t.parentElement.clientWidth,
    t.closest('.card').clientWidth]),
};
"""

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (run scripts/install-browser.sh)"
)


@pytest.fixture(scope="module")
def digits_report(tmp_path_factory) -> tuple[Path, int, str, str]:
    """A report on scikit-learn's digits with 8% of labels flipped and thumbnails.

    Returns the file, the row of the top issue, and its given and suggested labels.
    """
    from sklearn.datasets import load_digits

    from labelnoise import find_label_issues
    from labelnoise.report import render_report

    digits = load_digits()
    rng = np.random.default_rng(5)
    labels = digits.target.copy()
    flip = rng.random(labels.size) < 0.08
    labels[flip] = (labels[flip] + rng.integers(1, 10, flip.sum())) % 10
    # A nearest-centroid model (softmax of negative squared distances): milliseconds, and
    # good enough to find the flipped digits.
    x = digits.data / 16
    centroids = np.stack([x[digits.target == k].mean(axis=0) for k in range(10)])
    logits = -((x[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    logits -= logits.max(axis=1, keepdims=True)
    pred_probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    html = render_report(
        labels,
        pred_probs,
        images=digits.images / 16,
        top=25,
        title="Digits with 8% flipped labels",
        details={"Data": "load_digits"},
    )
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(html, encoding="utf-8")
    top = int(find_label_issues(labels, pred_probs).indices[0])
    return path, top, str(labels[top]), str(int(np.argmax(pred_probs[top])))


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    """The CIFAR-10 report of ``labelnoise demo``, with its bundled thumbnails."""
    pytest.importorskip("click", reason="the demo needs labelnoise[cli]")
    from labelnoise.cli import main

    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out / "cifar10-report.html"


@pytest.fixture
def chrome(tmp_path):
    """A Selenium driver for the system Chromium, offline; closed after the test."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if CHROMEDRIVER is None:
        pytest.skip("chromedriver is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _assert_fits(driver, width: int) -> None:
    """No sideways scrolling: the page fits the window and every table its card."""
    driver.set_window_size(width, WINDOW[1])
    sizes = driver.execute_script(OVERFLOW_JS)
    page, window = sizes["page"]
    assert window == width and page <= window, sizes
    for section, table, box, card in sizes["tables"]:
        assert table <= box <= card, (width, section, sizes)


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_the_window(chrome, digits_report, demo_report, width):
    for path in (digits_report[0], demo_report):
        chrome.get(path.as_uri())
        _assert_fits(chrome, width)


def test_demo_report_shows_the_thumbnails(chrome, demo_report):
    from selenium.webdriver.common.by import By

    from labelnoise.demo import load_thumbnails

    chrome.get(demo_report.as_uri())
    rows = chrome.find_elements(By.CSS_SELECTOR, "tr.issue-row")
    thumbs = chrome.find_elements(By.CSS_SELECTOR, "tr.issue-row img.thumb")
    assert len(rows) == len(thumbs) == load_thumbnails().rows.shape[0]
    assert chrome.find_elements(By.CLASS_NAME, "nothumb") == []
    drawn = chrome.execute_script(
        "return [...document.querySelectorAll('img.thumb')].filter(i => i.complete"
        " && i.naturalWidth >= 32 && i.naturalWidth === i.naturalHeight).length"
    )
    assert drawn == len(thumbs)
    first = rows[0].find_elements(By.TAG_NAME, "td")
    texts = [cell.text for cell in first]
    assert any(t.startswith(("label kept", "confirmed error")) for t in texts), texts
    errors = [e for e in chrome.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []


def _keep(screenshot: Path) -> None:
    keep = os.environ.get("LABELNOISE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(keep) / screenshot.name)


def _assert_picture(screenshot: Path) -> None:
    with Image.open(screenshot) as image:
        assert image.size[0] >= WINDOW[0] - 20
        pixels = np.asarray(image.convert("L"), dtype=np.float64)
    assert pixels.std() > 20  # not a blank page


def test_report_in_selenium(chrome, digits_report, tmp_path):
    from selenium.webdriver.common.by import By

    path, top, given, suggested = digits_report
    chrome.get(path.as_uri())
    errors = [e for e in chrome.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    row = chrome.find_element(By.ID, "issue-1")
    assert row.is_displayed()
    top_px, bottom_px, height = chrome.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.top, r.bottom, window.innerHeight];",
        row,
    )
    assert 0 <= top_px < bottom_px <= height  # visible without scrolling
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    assert str(top) in cells and any(c.startswith(given) for c in cells)
    assert any(c.startswith(suggested) for c in cells)
    broken = chrome.execute_script(
        "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length"
    )
    assert broken == 0
    fetched = chrome.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(name.startswith("data:") for name in fetched)
    screenshot = tmp_path / "report-selenium.png"
    assert chrome.save_screenshot(str(screenshot))
    _assert_picture(screenshot)
    _keep(screenshot)


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    command = [
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def test_report_in_headless_chromium(digits_report, tmp_path):
    path, top, given, suggested = digits_report
    dom = _chromium("--dump-dom", path.as_uri(), profile=tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert ":CONSOLE" not in dom.stderr, dom.stderr[-2000:]
    first = dom.stdout[dom.stdout.index('id="issue-1"') :]
    first = first[: first.index("</tr>")]
    assert f'<td class="index">{top}</td>' in first
    assert f'<span class="pill given">{given}</span>' in first
    assert f'<span class="pill sugg">{suggested}</span>' in first
    screenshot = tmp_path / "report-chromium.png"
    shot = _chromium(
        f"--screenshot={screenshot}",
        f"--window-size={WINDOW[0]},2200",
        path.as_uri(),
        profile=tmp_path / "p2",
    )
    assert shot.returncode == 0 and screenshot.exists(), shot.stderr[-2000:]
    _assert_picture(screenshot)
    _keep(screenshot)
