"""Drawing the verification sample and estimating from it: reproducible draws, the weights, the
ratio estimator against samplics and a hand computation, and the coverage of the 95% intervals."""

from __future__ import annotations

import math
import random
import warnings

import numpy as np
import pytest

from liangfang.measures.arguments import MeasureError
from liangfang.measures.design import Design
from liangfang.measures.sampling import Frame, SampleDesign, Target, draw
from liangfang.measures.verification import FieldResult, verification_estimates
from liangfang.synth.geography import taobei_district
from liangfang.synth.plan import headline, plan_households


def district_frame(seed: int = 2020) -> tuple[Frame, np.ndarray]:
    """The synthetic Taobei-like district's households (in memory) as a sampling frame."""
    plans = plan_households(random.Random(seed), taobei_district(), headline(1.0))
    kind = ["exited" if p.registered and p.exit_year else ("general" if not p.registered else "") for p in plans]
    people = np.array([p.size for p in plans], dtype=float)
    return Frame.of(range(len(plans)), [p.village.code for p in plans], [p.village.township_code for p in plans],
                    kind, people), people


FRAME, PEOPLE = district_frame()
DESIGN = SampleDesign(seed=7, villages_per_township=3, households_per_village={"exited": 20, "general": 4})


def test_the_same_design_draws_the_same_sample() -> None:
    first, again = draw(FRAME, DESIGN), draw(FRAME, DESIGN)
    assert first.household_id.tolist() == again.household_id.tolist()
    other = draw(FRAME, DESIGN.model_copy(update={"seed": 8}))
    assert other.household_id.tolist() != first.household_id.tolist()


def test_the_sample_follows_the_design() -> None:
    sample = draw(FRAME, DESIGN)
    townships = set(FRAME.township.tolist())
    villages = set(sample.village.tolist())
    assert len(villages) == 3 * len(townships)
    for village in villages:
        rows = sample.village == village
        assert (sample.kind[rows] == "exited").sum() <= 20 and (sample.kind[rows] == "general").sum() <= 4
    assert set(sample.kind.tolist()) == {"exited", "general"}
    kinds = dict(zip(FRAME.household_id.tolist(), FRAME.kind.tolist(), strict=True))
    assert all(kinds[int(h)] == k for h, k in zip(sample.household_id, sample.kind, strict=True))


def test_weights_estimate_the_frame_counts_without_bias() -> None:
    totals = []
    for seed in range(60):
        sample = draw(FRAME, DESIGN.model_copy(update={"seed": seed}))
        totals.append(sample.weight[sample.kind == "exited"].sum())
    assert np.mean(totals) == pytest.approx((FRAME.kind == "exited").sum(), rel=0.03)


def test_sizes_from_a_target_precision() -> None:
    target = Target(expected_rate=0.02, margin=0.01, design_effect=2)
    assert target.households() == math.ceil(2 * 1.959963984540054**2 * 0.02 * 0.98 / 0.0001)  # 1506
    design = SampleDesign(seed=1, villages_per_township=3, target={"exited": target},
                          households_per_village={"general": 2})
    sample = draw(FRAME, design)
    assert (sample.kind == "exited").sum() >= 1200  # some villages have fewer exited households than asked


def test_a_bad_design_file_names_the_field() -> None:
    with pytest.raises(MeasureError, match="villages_per_township"):
        SampleDesign.from_yaml("seed: 1\nhouseholds_per_village: {exited: 5, general: 5}\n", "d.yaml")
    with pytest.raises(MeasureError, match="exactly one"):
        SampleDesign.from_yaml("seed: 1\nvillages_per_township: 2\nhouseholds_per_village: {exited: 5}\n", "d.yaml")
    with pytest.raises(MeasureError, match=r"d\.yaml: not valid YAML"):
        SampleDesign.from_yaml("seed: [", "d.yaml")
    text = DESIGN.to_yaml()
    assert SampleDesign.from_yaml(text) == DESIGN


def test_the_wrong_exit_rate_against_samplics_and_a_hand_computation() -> None:
    # Two townships (strata), two villages each (clusters), 8 exited households.
    sample_ids = np.arange(8)
    stratum = np.array(["T1"] * 4 + ["T2"] * 4, dtype=object)
    cluster = np.array(["a", "a", "b", "b", "c", "c", "d", "d"], dtype=object)
    weight = np.array([3.0, 3.0, 5.0, 5.0, 2.0, 2.0, 4.0, 4.0])
    people = np.array([2, 3, 1, 4, 2, 2, 3, 1], dtype=float)
    wrong = np.array([0, 1, 0, 0, 1, 0, 0, 0], dtype=bool)
    from liangfang.measures.sampling import Sample

    sample = Sample(sample_ids, stratum, cluster, cluster.copy(), np.array(["exited"] * 8, dtype=object), weight,
                    np.ones(8))
    results = {i: FieldResult(i, True, int(people[i]), 100.0 if wrong[i] else 9000.0) for i in range(8)}
    estimate = verification_estimates(sample, results, 4000).wrong_exit_rate
    assert estimate is not None
    a, b = people * wrong, people
    r = (weight @ a) / (weight @ b)  # (3·3 + 2·2) / (6 + 9 + 5 + 20 + 4 + 4 + 12 + 4) = 13/64
    assert estimate.value == pytest.approx(100 * 13 / 64)
    # by hand: cluster totals of w·(a − r·b)/Σwb, then Σₕ nₕ/(nₕ − 1) Σ (t − t̄)²
    u = weight * (a - r * b) / (weight @ b)
    t = {c: u[cluster == c].sum() for c in "abcd"}
    variance = sum(2 * ((t[x] - (t[x] + t[y]) / 2) ** 2 + (t[y] - (t[x] + t[y]) / 2) ** 2)
                   for x, y in (("a", "b"), ("c", "d")))
    assert estimate.se == pytest.approx(100 * math.sqrt(variance))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from samplics import PopParam, TaylorEstimator
    peer = TaylorEstimator(PopParam.ratio)
    peer.estimate(y=a, x=b, samp_weight=weight, stratum=stratum, psu=cluster)
    assert estimate.value == pytest.approx(100 * float(peer.point_est))  # type: ignore[arg-type]
    assert estimate.se == pytest.approx(100 * float(peer.stderror))  # type: ignore[arg-type]
    assert estimate.low > 0  # the logit interval stays inside [0, 100]


def test_households_not_found_pass_their_weight_to_their_village() -> None:
    sample = draw(FRAME, DESIGN)
    results = {int(h): FieldResult(int(h), True, 2, 9000.0, approval={"policy": True}) for h in sample.household_id}
    first = int(sample.household_id[0])
    results[first] = FieldResult(first, False)
    estimates = verification_estimates(sample, results, 4000)
    assert estimates.households_found == estimates.households_sampled - 1
    assert estimates.wrong_exit_rate is not None and estimates.wrong_exit_rate.value == 0
    assert estimates.public_approval is not None and estimates.public_approval.value == 100
    with pytest.raises(MeasureError, match="no field result"):
        verification_estimates(sample, {}, 4000)


@pytest.mark.slow
def test_95_percent_intervals_cover_the_true_wrong_exit_rate_93_to_97_percent_of_the_time() -> None:
    rng = np.random.default_rng(18)
    exited = FRAME.kind == "exited"
    wrong = exited & (rng.random(FRAME.kind.size) < 0.03)
    truth = 100 * PEOPLE[wrong].sum() / PEOPLE[exited].sum()
    covered = 0
    for seed in range(500):
        sample = draw(FRAME, DESIGN.model_copy(update={"seed": 1000 + seed}))
        results = {int(h): FieldResult(int(h), True, int(PEOPLE[h]), 100.0 if wrong[h] else 9000.0)
                   for h in sample.household_id}
        estimate = verification_estimates(sample, results, 4000).wrong_exit_rate
        assert estimate is not None
        covered += estimate.low <= truth <= estimate.high
    assert 0.93 <= covered / 500 <= 0.97, (covered, truth)


def test_design_degrees_of_freedom_are_clusters_minus_strata() -> None:
    sample = draw(FRAME, DESIGN)
    design = Design(sample.weight, sample.stratum, sample.cluster)
    strata = set(sample.stratum.tolist())
    clusters = {(s, c) for s, c in zip(sample.stratum.tolist(), sample.cluster.tolist(), strict=True)}
    assert design.degrees_of_freedom() == len(clusters) - len(strata)
