"""One vocabulary across the front doors: walks every command's options and fails on clashes.

The table these rules keep true is in docs/CLI.md.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import typer

from candid.cli import app, main

#: Long option -> the one short flag it has wherever it appears.
CANONICAL_SHORT = {"--out": "-o", "--subject": "-S", "--yes": "-y"}
#: Names that say the same thing as a canonical one, so must not be an option's main name.
SYNONYMS = {"--output": "--out", "--outdir": "--out", "--out-dir": "--out", "--stock": "--look", "--film": "--look",
            "--person": "--subject", "--lib": "--library", "--json-report": "--report"}


def _walk(cmd, path=()):
    if hasattr(cmd, "commands"):
        yield path, cmd  # a group: its own options too
        for name, sub in cmd.commands.items():
            yield from _walk(sub, (*path, name))
    else:
        yield path, cmd


def _options():
    root = typer.main.get_command(app)
    for path, cmd in _walk(root):
        for p in cmd.params:
            if getattr(p, "param_type_name", "") == "option":
                yield " ".join(path) or "candid", p


OPTIONS = list(_options())


def test_the_walk_sees_every_command():
    commands = {c for c, _ in OPTIONS}
    for name in ("make", "look", "honest", "restore", "batch", "inspect", "subjects", "subjects list", "serve"):
        assert name in commands, name
    assert len(OPTIONS) > 80


def test_a_short_flag_means_one_thing_everywhere():
    meaning = defaultdict(set)
    for cmd, p in OPTIONS:
        long = next((o for o in p.opts if o.startswith("--")), p.opts[0])
        for o in p.opts + p.secondary_opts:
            if not o.startswith("--"):
                meaning[o].add((long, cmd))
    clashes = {o: sorted(v) for o, v in meaning.items() if len({long for long, _ in v}) > 1}
    assert not clashes, f"short flags with more than one meaning: {clashes}"


def test_canonical_flags_have_their_short_form_everywhere():
    missing = [f"{cmd} {p.opts[0]}" for cmd, p in OPTIONS for long, short in CANONICAL_SHORT.items()
               if long in p.opts and short not in p.opts]
    assert not missing, f"missing the usual short flag: {missing}"


def test_no_synonym_is_an_options_main_name():
    bad = [f"{cmd} {p.opts[0]} (say {SYNONYMS[p.opts[0]]})" for cmd, p in OPTIONS if p.opts[0] in SYNONYMS]
    assert not bad, bad


def test_every_shown_option_has_help():
    bare = [f"{cmd} {p.opts[0]}" for cmd, p in OPTIONS if not p.hidden and not (p.help or "").strip()]
    assert not bare, f"options without help: {bare}"


def test_report_writes_html_and_json_wherever_offered():
    for cmd, p in OPTIONS:
        if "--report" in p.opts:
            text = (p.help or "").lower()
            assert "html" in text and "json" in text, f"{cmd} --report: {p.help!r}"


def test_groups_accept_library_when_their_commands_do():
    root = typer.main.get_command(app)
    for path, cmd in _walk(root):
        if path and hasattr(cmd, "commands"):
            subs_with = [n for n, s in cmd.commands.items() if any("--library" in p.opts for p in s.params)]
            if subs_with:
                assert any("--library" in p.opts for p in cmd.params), f"candid {' '.join(path)} --library"


def test_film_look_has_one_name_in_make_and_look():
    by_cmd = defaultdict(set)
    for cmd, p in OPTIONS:
        by_cmd[cmd].update(p.opts)
    for cmd in ("make", "look", "generate"):
        assert "--look" in by_cmd[cmd], cmd


def test_web_make_options_are_the_cli_make_options():
    from candid.web.jobs import MAKE_OPTIONS

    make = {o for cmd, p in OPTIONS if cmd == "make" for o in p.opts}
    assert not [k for k in MAKE_OPTIONS if "--" + k.replace("_", "-") not in make], \
        "a web option the CLI spells differently"


#: One value per studio option, none of them the default. A new StudioOptions field fails
#: :func:`test_one_studio_options_model` until it is added here and shown to reach the recipe.
STUDIO_SAMPLE = {"style": "editorial", "aspect": "4:5", "background": "white", "light": "loop", "strength": 0.5,
                 "straighten": "off", "catchlights": "move", "small_face": "refuse", "size": "4k",
                 "look": "portra-400", "face": 2, "seed": 7, "keep": {"skin-smoothing": 0.5}}


def test_one_studio_options_model():
    """StudioOptions is the one list: the CLI, the web request, batch and the recipe all follow it."""
    from candid import recipes
    from candid.engines.studio.options import OPTION_NAMES, StudioOptions, option_help
    from candid.engines.studio.recipe import STUDIO_STAGE_OPTIONS, studio_recipe
    from candid.web.models import MakeRequest

    assert set(STUDIO_SAMPLE) == set(OPTION_NAMES), "a studio option without a sample value here"
    # the CLI: one option per field, same help words, nothing studio-like beside them
    params = {p.opts[0]: p for cmd, p in OPTIONS if cmd == "make"}
    for name in OPTION_NAMES:
        flag = "--" + name.replace("_", "-")
        assert flag in params, f"candid make has no {flag}"
        assert option_help(name) in (params[flag].help or ""), f"{flag}: help differs from StudioOptions"
    front_door = {"--engine", "--subject", "--library", "--out", "--report"}
    assert set(params) - {"--" + n.replace("_", "-") for n in OPTION_NAMES} == front_door
    # the web: the request is the model plus what only the web needs
    assert set(MakeRequest.model_fields) - set(StudioOptions.model_fields) == {"upload", "engine", "subject"}
    assert MakeRequest.model_json_schema()["properties"]["light"]["description"] == option_help("light")
    # the recipe: every option reaches a stage
    recipe = studio_recipe(**STUDIO_SAMPLE)
    steps = {s.stage: s.params for s in recipe.steps}
    for name in STUDIO_STAGE_OPTIONS:
        assert steps["engine.studio"][name] == STUDIO_SAMPLE[name], name
    assert steps["engine.studio"]["seed"] == 7 and steps["face.analyze"]["face"] == 1
    assert recipe.name.startswith("editorial") or "editorial" in recipe.name
    if "finish" in recipes.STAGES:
        assert steps["finish"]["size"] == "4k"
    if "looks.film" in recipes.STAGES:
        assert steps["looks.film"]["stock"] == "portra-400"
    if "honest" in recipes.STAGES:
        assert steps["honest"]["keep"] == {"skin-smoothing": 0.5}
    handled = {*STUDIO_STAGE_OPTIONS, "style", "seed", "face", "size", "look", "keep"}
    assert handled == set(OPTION_NAMES), "an option studio_recipe does not pass on"


def test_options_that_cannot_work_here_are_not_offered(capsys):
    from candid.engines.restore.tone import colourisation_available

    code = main(["restore", "--help"])
    text = capsys.readouterr().out
    assert code == 0
    if not colourisation_available()[0]:
        assert "--colour" not in text


@pytest.mark.parametrize("argv", [["subjects", "--library", "{lib}", "list"], ["subjects", "list", "--library", "{lib}"]])
def test_library_before_or_after_the_subcommand(tmp_path, capsys, argv):
    assert main([a.replace("{lib}", str(tmp_path / "lib")) for a in argv]) == 0
    assert "no subjects" in capsys.readouterr().out
