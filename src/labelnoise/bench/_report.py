"""The detector report: the targets of the real-noise suite, read from a results table.

:func:`detector_report` turns the frame of :func:`run_benchmark` into the markdown
tables of ``docs/detectors.md``: per regime, ``auto`` against every other method; on the
CIFAR-10N label sets, ``auto`` against flagging the true number of errors by its own
ranking (``oracle:auto``); over the whole suite, how often ``auto`` beats the best
confident-learning method; how far each count estimator is from the true number of
wrong labels; and each ensemble against its best member. It reads whichever of those
methods the frame holds and leaves out a table it cannot fill.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise.bench._detectors import CL_METHODS as _CL
from labelnoise.bench._summary import markdown_table

__all__ = ["CONFIRM", "detector_report"]

#: Rows never used to choose ``auto`` (see docs/detectors.md): CIFAR-10N random2 and
#: random3, and every unit with a seed above 0.
CONFIRM = "(noise in ['real random2', 'real random3']) or seed > 0"
_SETTING = ["dataset", "noise", "model"]


def _is_detector(method: str) -> bool:
    """Methods a user can run: not the oracles, not the ablations."""
    return not method.startswith("oracle:") and "[" not in method


def _wide(frame: pd.DataFrame, value: str = "f1") -> pd.DataFrame:
    """One row per setting (dataset, noise, model; mean over seeds), one column per method."""
    return frame.pivot_table(index=[*_SETTING, "regime"], columns="method", values=value)


def _regime_targets(frame: pd.DataFrame) -> str | None:
    if "auto" not in set(frame["method"]):
        return None
    rows = {}
    for regime, part in frame.groupby("regime", sort=False):
        means = part[part["method"].map(_is_detector)].groupby("method")["f1"].mean()
        # auto's variants (auto+features: auto given more input) are not other methods
        others = means.drop([m for m in means.index if m.startswith("auto")])
        if "auto" not in means or others.empty:
            continue
        rows[regime] = {
            "auto F1": means["auto"],
            "best other method": str(others.idxmax()),
            "its F1": others.max(),
            "auto - best other": means["auto"] - others.max(),
            "met": "yes" if means["auto"] >= others.max() else "no",
        }
    table = pd.DataFrame(rows).T
    return markdown_table(table, "regime", _formats(table))


def _formats(table: pd.DataFrame) -> dict[str, str]:
    out = {}
    for column in table.columns:
        numeric = pd.api.types.is_numeric_dtype(pd.to_numeric(table[column], errors="coerce"))
        text = table[column].map(lambda v: isinstance(v, str)).any()
        out[str(column)] = "{}" if text or not numeric else "{:.3f}"
    if "auto - best other" in out:
        out["auto - best other"] = "{:+.3f}"
    return out


def _oracle_gaps(frame: pd.DataFrame) -> str | None:
    part = frame[(frame["noise_kind"] == "real") & frame["method"].isin(["auto", "oracle:auto"])]
    if part.empty or "oracle:auto" not in set(part["method"]):
        return None
    wide = part.pivot_table(index=["noise", "model"], columns="method", values="f1")
    wide["gap"] = wide["auto"] - wide["oracle:auto"]
    wide["within 0.02"] = np.where(wide["gap"] >= -0.02, "yes", "no")
    wide.index = [f"{noise}, {model}" for noise, model in wide.index]
    table = wide[["auto", "oracle:auto", "gap", "within 0.02"]]
    return markdown_table(table, "label set, model", {"gap": "{:+.3f}", "within 0.02": "{}"})


def _wins(frame: pd.DataFrame, label: str) -> str | None:
    wide = _wide(frame[frame["method"].map(_is_detector)])
    cl = [m for m in _CL if m in wide.columns]
    if "auto" not in wide.columns or not cl:
        return None
    best = str(wide[cl].mean().idxmax())
    valid = wide[["auto", best]].dropna()
    wins = float((valid["auto"] > valid[best]).mean())
    ties = float((valid["auto"] == valid[best]).mean())
    return (
        f"- {label}: {valid.shape[0]} settings (dataset x noise x model, F1 averaged over "
        f"seeds); `auto` mean F1 {valid['auto'].mean():.3f} vs the best confident-learning "
        f"method `{best}` {valid[best].mean():.3f}; `auto` wins {wins:.0%} of settings "
        f"(ties {ties:.0%})."
    )


def _count_table(frame: pd.DataFrame, methods: Sequence[str]) -> str | None:
    part = frame[frame["method"].isin(methods) & (frame["n_flipped"] > 0)]
    if part.empty:
        return None
    part = part.assign(ratio=part["n_flagged"] / part["n_flipped"])
    part = part.assign(log_error=np.abs(np.log(np.clip(part["ratio"], 1e-3, None))))
    table = part.pivot_table(index="method", columns="regime", values="ratio", aggfunc="median")
    table["mean abs log ratio"] = part.groupby("method")["log_error"].mean()
    table["mean F1"] = part.groupby("method")["f1"].mean()
    order = [m for m in methods if m in table.index]
    table = table.loc[order].sort_values("mean abs log ratio")
    formats = {str(c): "{:.2f}" for c in table.columns}
    formats["mean F1"] = "{:.3f}"
    return markdown_table(table, "count estimator", formats)


def _ensembles(frame: pd.DataFrame) -> str | None:
    if "best_member_f1" not in frame.columns:
        return None
    part = frame[frame["best_member_f1"].notna() & frame["method"].map(_is_detector)]
    if part.empty:
        return None
    part = part.assign(
        f1_ok=part["f1"] >= part["best_member_f1"] - 1e-12,
        auprc_ok=part["auprc"] >= part["best_member_auprc"] - 1e-12,
    )
    grouped = part.groupby(["model", "method"], sort=False)
    table = pd.DataFrame(
        {
            "units": grouped.size(),
            "ensemble F1": grouped["f1"].mean(),
            "best member F1": grouped["best_member_f1"].mean(),
            "F1 >= best (share)": grouped["f1_ok"].mean(),
            "ensemble AUPRC": grouped["auprc"].mean(),
            "best member AUPRC": grouped["best_member_auprc"].mean(),
            "AUPRC >= best (share)": grouped["auprc_ok"].mean(),
        }
    )
    table.index = [f"{model}: {method}" for model, method in table.index]
    formats = {"units": "{:.0f}", "F1 >= best (share)": "{:.0%}", "AUPRC >= best (share)": "{:.0%}"}
    return markdown_table(table, "ensemble: method", formats)


def _per_setting(frame: pd.DataFrame) -> str | None:
    keep = ["auto", "oracle:auto", "prune_by_noise_rate", "prune_by_class", "small_loss"]
    wide = _wide(frame[frame["method"].isin(keep)])
    columns = [m for m in keep if m in wide.columns]
    if "auto" not in columns:
        return None
    wide = wide[columns].reset_index(level="regime", drop=True)
    wide.index = [f"{d}, {n}, {m}" for d, n, m in wide.index]
    return markdown_table(wide, "dataset, noise, model")


def detector_report(frame: pd.DataFrame, *, title: str = "Real-noise suite") -> str:
    """The targets and tables of ``docs/detectors.md`` from :func:`run_benchmark`'s frame.

    Parameters
    ----------
    frame : DataFrame
        Results of :func:`run_benchmark` (columns ``dataset``, ``noise``, ``noise_kind``,
        ``model``, ``regime``, ``seed``, ``method``, ``f1``, ``auprc``, ``n_flagged``,
        ``n_flipped``, ``best_member_f1``, ``best_member_auprc``).
    title : str
        Heading of the report.

    Returns
    -------
    str
        GitHub markdown.
    """
    needed = {"dataset", "noise", "noise_kind", "model", "regime", "seed", "method", "f1"}
    if not isinstance(frame, pd.DataFrame) or not needed <= set(frame.columns):
        raise InputError("frame", f"expected run_benchmark's DataFrame with columns {needed}.")
    sections = [f"## {title}"]
    wins = [
        _wins(frame, "all units"),
        _wins(frame.query(CONFIRM), "confirmation units only (never used to choose `auto`)"),
    ]
    blocks = [
        (
            "Whole suite: `auto` against the best confident-learning method",
            "\n".join(w for w in wins if w),
        ),
        ("Per regime: `auto` against every other method (mean F1)", _regime_targets(frame)),
        ("CIFAR-10N label sets: `auto` against the oracle count", _oracle_gaps(frame)),
        (
            "How many to flag: count estimators (flagged / truly wrong, median per regime)",
            _count_table(frame, _count_methods(frame)),
        ),
        ("Ensembles against their best member", _ensembles(frame)),
        ("Mean F1 per setting (over seeds)", _per_setting(frame)),
    ]
    for heading, body in blocks:
        if body:
            sections.append(f"### {heading}\n\n{body}")
    return "\n\n".join(sections) + "\n"


def _count_methods(frame: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(frame["method"]))
    base = ["auto", "prune_by_noise_rate", "small_loss", "small_loss_beta"]
    return [m for m in present if m in base or m.startswith("auto[count") or "sharpness" in m]
