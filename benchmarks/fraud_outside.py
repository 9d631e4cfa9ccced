"""Fraud detectors on outside labelled data: AMLSim accounts and Sichuan fraud numbers.

    python -m benchmarks.fraud_outside [--datasets ../shared/datasets]

- AMLSim (``amlsim/20K_fanin200cycle200``, ``amlsim/generated_10K``): the transfer
  lists become a ``transactions`` table; our mule features are computed on it by
  the same Ibis code as in ``tianluo run`` (DuckDB). Reported per set and per
  pattern type: ROC AUC and average precision of the readable rule score (no
  training), and of the learned model trained on the *other* set (never on the
  set tested). A pattern type's figures rank its accounts against every
  unlabelled account (other patterns left out). The 20K set does not say which
  of its 200 fan-in and 200 cycle patterns an account was in (its patterns share
  accounts, so the groups cannot be told apart): it is scored as one type.
- Sichuan (``sichuan/all_feat_with_label.csv``): the learned part on the 55
  published per-number features, 5-fold stratified cross-validation.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.metrics import average_precision_score, roc_auc_score  # type: ignore[import-untyped]

from tianluo.detectors.fraud.model import as_matrix, cross_validate, fit
from tianluo.detectors.fraud.mule_features import MULE_FEATURES, account_features
from tianluo.detectors.fraud.mule_score import mule_signs, rule_score
from tianluo.engine import open_engine
from tianluo.rules import load_rules
from tianluo.workspace import Workspace

EPOCH = pd.Timestamp("2017-01-01", tz="UTC")


def _load_20k(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Transfers in our shape (day steps become days), and the labelled accounts."""
    raw = pd.read_csv(folder / "transactions.csv")
    nodes = pd.read_csv(folder / "nodes.csv")
    transfers = pd.DataFrame(
        {
            "txn_id": [f"T{i}" for i in range(len(raw))],
            "ts": EPOCH + pd.to_timedelta(raw["time"], unit="D"),
            "from_account": raw["sourceNodeId"].astype(str),
            "to_account": raw["targetNodeId"].astype(str),
            "amount": raw["value"].astype(float),
        }
    )
    fraud = nodes.loc[nodes["isFraud"] == 1, "nodeid"].astype(str)
    # the set does not say which pattern each account was in: one label for both
    return transfers, pd.Series("fan_in_or_cycle", index=fraud.to_numpy(), name="pattern")


def _load_10k(folder: Path) -> tuple[pd.DataFrame, pd.Series]:
    raw = pd.read_csv(folder / "transactions.csv")
    transfers = pd.DataFrame(
        {
            "txn_id": raw["tran_id"].astype(str),
            "ts": pd.to_datetime(raw["tran_timestamp"], utc=True),
            "from_account": raw["orig_acct"].astype(str),
            "to_account": raw["bene_acct"].astype(str),
            "amount": raw["base_amt"].astype(float),
        }
    )
    alerts = pd.read_csv(folder / "alert_accounts.csv")
    alerts = alerts.drop_duplicates("acct_id")
    return transfers, pd.Series(
        alerts["alert_type"].to_numpy(), index=alerts["acct_id"].astype(str), name="pattern"
    )


def _features(transfers: pd.DataFrame) -> pd.DataFrame:
    rules = load_rules().fraud.mules
    with (
        tempfile.TemporaryDirectory() as scratch,
        open_engine(Workspace.at(Path(scratch) / "w")) as engine,
    ):
        table = engine.register("amlsim_transactions", pa.Table.from_pandas(transfers))
        features = engine.to_arrow(account_features(table, None, rules)).to_pandas()
    signs = mule_signs(features, rules)
    features["rule_score"] = rule_score(signs, np.full(len(features), np.nan))
    # the AMLSim universe is every account that sent or received
    everyone = pd.Index(pd.concat([transfers["from_account"], transfers["to_account"]]).unique())
    return features.set_index("account_id").reindex(everyone).reset_index(names="account_id")


def _scores(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    score = np.nan_to_num(score, nan=0.0)
    return {
        "roc_auc": round(float(roc_auc_score(y, score)), 4),
        "average_precision": round(float(average_precision_score(y, score)), 4),
        "positives": int(y.sum()),
    }


def _per_pattern(frame: pd.DataFrame, score_column: str) -> dict[str, Any]:
    result: dict[str, Any] = {"all": _scores(frame["y"].to_numpy(), frame[score_column].to_numpy())}
    for pattern in sorted(frame["pattern"].dropna().unique()):
        keep = frame["pattern"].isna() | (frame["pattern"] == pattern)
        part = frame[keep]
        result[str(pattern)] = _scores(part["y"].to_numpy(), part[score_column].to_numpy())
    return result


def amlsim(root: Path) -> dict[str, Any]:
    """Rule score on each set; model trained on one set, tested on the other."""
    sets = {
        "20K_fanin200cycle200": _load_20k(root / "amlsim" / "20K_fanin200cycle200"),
        "generated_10K": _load_10k(root / "amlsim" / "generated_10K"),
    }
    frames: dict[str, pd.DataFrame] = {}
    for name, (transfers, patterns) in sets.items():
        frame = _features(transfers)
        frame["pattern"] = frame["account_id"].map(patterns)
        frame["y"] = frame["pattern"].notna().astype(int)
        frames[name] = frame
    figures: dict[str, Any] = {}
    names = list(frames)
    for test_name in names:
        train_name = next(n for n in names if n != test_name)
        train, test = frames[train_name], frames[test_name]
        model = fit(as_matrix(train, MULE_FEATURES), train["y"].to_numpy())
        test = test.assign(learned=model.predict_proba(as_matrix(test, MULE_FEATURES))[:, 1])
        figures[test_name] = {
            "accounts": len(test),
            "rule_score": _per_pattern(test, "rule_score"),
            f"model_trained_on_{train_name}": _per_pattern(test, "learned"),
        }
    return figures


def sichuan(root: Path) -> dict[str, Any]:
    """5-fold cross-validation of the learned part on the published per-number features."""
    data = pd.read_csv(root / "sichuan" / "all_feat_with_label.csv")
    columns = [c for c in data.columns if c not in {"phone_no_m", "label"}]
    result = cross_validate(as_matrix(data, columns), data["label"].to_numpy(), folds=5)
    return {
        "numbers": len(data),
        "fraud": int(data["label"].sum()),
        "features": len(columns),
        "fold_auc": [round(a, 4) for a in result.fold_auc],
        "mean_auc": round(result.mean_auc, 4),
        "pooled_auc": round(result.pooled_auc, 4),
        "pooled_average_precision": round(result.pooled_average_precision, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("../shared/datasets"))
    args = parser.parse_args()
    figures = {"amlsim": amlsim(args.datasets), "sichuan": sichuan(args.datasets)}
    print(json.dumps({"fraud_outside": figures}, indent=2))


if __name__ == "__main__":
    main()
