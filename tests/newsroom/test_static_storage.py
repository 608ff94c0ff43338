"""Production static names: the review scripts load the shared module under its hashed name."""

import re

from django.core.management import call_command
from django.test import override_settings


def test_scripts_import_the_shared_module_by_its_hashed_name(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "newsroom.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    js = tmp_path / "js"
    desk = [p.name for p in js.glob("desk.*.js")]
    assert len(desk) == 1, desk
    for name in ("review", "tagging", "articles"):
        [hashed] = [
            p
            for p in js.glob(f"{name}.*.js")
            if re.fullmatch(rf"{name}\.[0-9a-f]{{12}}\.js", p.name)
        ]
        text = hashed.read_text(encoding="utf-8")
        assert f'from "./{desk[0]}"' in text, (hashed.name, re.findall(r'from "[^"]+"', text))
        assert 'from "./desk.js"' not in text


def test_chart_js_is_collected_as_its_one_browser_build_and_its_map(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "newsroom.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    names = {p.name for p in (tmp_path / "chartjs").iterdir() if not p.name.endswith(".gz")}
    assert "chart.umd.min.js" in names and "chart.umd.min.js.map" in names
    # The package's module sources and type files stay in node_modules.
    assert not {name for name in names if not name.startswith("chart.umd.min.")}
    [hashed] = [p for p in (tmp_path / "chartjs").glob("chart.umd.min.*.js")]
    assert re.search(r"sourceMappingURL=chart\.umd\.min\.js\.[0-9a-f]{12}\.map", hashed.read_text())
