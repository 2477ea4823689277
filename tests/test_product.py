"""The p·r and log-density jobs without Qt: the bump in view (standardised) coordinates,
painted regions, errors, and the map's layout and progress."""
import numpy as np
import pytest

from engine.runtime import jobs
from engine.runtime.jobs import product as jobs_product
from engine.runtime import protocol as m
from engine.io.storage import load_model


@pytest.fixture(scope="module")
def state(tiny_model_path):
    st = jobs.EngineState("cpu")
    st.model, st.model_id = load_model(tiny_model_path), 1
    return st


def test_bump_in_view_coordinates_pulls_samples_to_it(state):
    events = list(jobs.run(state, m.SampleProduct(n=600, seed=0, bump=(-1.0, 1.2, 0.3), tag=7)))
    steps = [e for e in events if isinstance(e, m.ProductStep)]
    assert [e.t for e in steps] == list(range(state.model.T, -1, -1)) and steps[0].tag == 7
    traj = events[-1]
    assert isinstance(traj, m.ProductTrajectory) and traj.tag == 7 and traj.x.shape == (state.model.T + 1, 600, 2)
    plain = list(jobs.run(state, m.Sample(n=600, seed=0)))[-1].x[0]
    dist = lambda x: np.linalg.norm(x - [-1.0, 1.2], axis=1).mean()   # noqa: E731
    assert dist(traj.x[0]) < 0.5 * dist(plain)
    # The samples sit within a few σ of a narrow bump: it is round in standardised units.
    assert np.median(np.abs(traj.x[0] - [-1.0, 1.2]), 0).max() < 0.6


def test_region_and_errors(state):
    region = np.zeros((32, 32))
    region[:, 22:] = 1.0                      # x > ~1.2 in standardised units
    x = list(jobs.run(state, m.SampleProduct(n=600, seed=0, region=region)))[-1].x[0]
    plain = list(jobs.run(state, m.Sample(n=600, seed=0)))[-1].x[0]
    assert (x[:, 0] > 1.0).mean() > (plain[:, 0] > 1.0).mean() + 0.15
    for bad in (m.SampleProduct(), m.SampleProduct(region=np.zeros((8, 8))), m.SampleProduct(bump=(0, 0, 0))):
        with pytest.raises(ValueError):
            list(jobs.run(state, bad))


def test_log_density_map_is_laid_out_on_its_grid(state, monkeypatch):
    target = np.array([1.5, -0.5])

    def fake_ais(model, x0, trajectories, seed, device, batch):
        x0 = np.asarray(x0)
        return 0.0, 0.0, -((x0 - target) ** 2).sum(1)
    monkeypatch.setattr(jobs_product, "ais_log_likelihood", fake_ais)
    maps = list(jobs.run(state, m.LogDensityGrid(n=20, extent=3.0, trajectories=1024)))
    assert len(maps) == 50 and [e.done for e in maps] == list(range(8, 401, 8))   # 8 points a batch
    assert np.isnan(maps[0].values).sum() == 400 - 8 and np.isfinite(maps[-1].values).all()
    v = maps[-1].values
    peak = jobs_product.grid_centres(20, 3.0)[np.unravel_index(np.argmax(v), v.shape)]
    assert np.abs(peak - target).max() <= 0.15 + 1e-9     # half a cell


def test_log_density_map_from_ais_is_finite(state):
    ev = list(jobs.run(state, m.LogDensityGrid(n=6, trajectories=4)))[-1]
    assert ev.values.shape == (6, 6) and np.isfinite(ev.values).all() and ev.done == ev.total == 36
