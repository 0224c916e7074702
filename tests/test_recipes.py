import numpy as np
import pytest

from candid.errors import RecipeError
from candid.portrait import Operation, Portrait
from candid.recipes import Recipe, Step, load_recipe, run_recipe


def test_portrait_is_immutable_and_logs(astronaut):
    p = Portrait(astronaut.copy())
    q = p.evolve(p.pixels * 0.5, Operation("test.halve", params={"k": 0.5}))
    assert p.log == () and len(q.log) == 1 and q.log[0].params == {"k": 0.5}
    assert float(p.pixels.max()) > float(q.pixels.max())
    with pytest.raises(ValueError, match="float32"):
        Portrait(astronaut.astype(np.float64))
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        Portrait(astronaut[..., 0])


def test_run_recipe_attaches_face(astronaut):
    steps = []
    result = run_recipe(Recipe(name="analyse", steps=[Step(stage="face.analyze")]), Portrait(astronaut),
                        on_step=lambda i, n, s: steps.append((i, n, s)))
    assert result.face is not None and result.log[-1].stage == "face.analyze"
    assert steps == [(0, 1, "face.analyze"), (1, 1, "done")]


def test_recipe_errors(tmp_path, astronaut):
    (tmp_path / "bad.toml").write_text("name = 'x'\n[[steps]]\nstage = 'does.not.exist'\n")
    with pytest.raises(RecipeError, match="unknown stages: does.not.exist"):
        load_recipe(tmp_path / "bad.toml")
    (tmp_path / "broken.toml").write_text("name = ")
    with pytest.raises(RecipeError, match="not valid TOML"):
        load_recipe(tmp_path / "broken.toml")
    (tmp_path / "extra.toml").write_text("name = 'x'\nsteps = []\ncolour = 1\n")
    with pytest.raises(RecipeError, match="invalid recipe"):
        load_recipe(tmp_path / "extra.toml")
    with pytest.raises(RecipeError, match="missing.toml"):
        load_recipe(tmp_path / "missing.toml")
    recipe = Recipe(name="x", steps=[Step(stage="face.analyze", params={"nonsense": 1})])
    with pytest.raises(RecipeError, match="nonsense"):
        run_recipe(recipe, Portrait(astronaut))
    with pytest.raises(RecipeError, match="not in recipe"):
        recipe.with_overrides({"finish": {"size": "4k"}})
    assert recipe.with_overrides({"face.analyze": {"face": 0}}).steps[0].params == {"nonsense": 1, "face": 0}


def test_bad_setting_in_a_later_step_fails_before_any_stage_runs(monkeypatch):
    """Settings are bound to every stage's signature up front: no minutes of work before a typo fails."""
    import candid.recipes as recipes

    ran = []

    def fake_stage(portrait, *, size="4k"):
        ran.append(size)
        return portrait

    monkeypatch.setitem(recipes.STAGES, "fake", "x:y")
    monkeypatch.setattr(recipes, "resolve_stage", lambda name: fake_stage)
    recipe = Recipe(name="x", steps=[Step(stage="fake"), Step(stage="fake", params={"sise": "8k"})])
    with pytest.raises(RecipeError, match="sise"):
        run_recipe(recipe, Portrait(np.zeros((4, 4, 3), np.float32)))
    assert ran == []
    run_recipe(Recipe(name="y", steps=[Step(stage="fake", params={"size": "8k"})]),
               Portrait(np.zeros((4, 4, 3), np.float32)))
    assert ran == ["8k"]
