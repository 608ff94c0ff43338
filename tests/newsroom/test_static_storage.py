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
