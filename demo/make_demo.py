"""Generate a small, realistic ML demo project: churn data (CSV + Parquet) and a training notebook.

Everything is synthesised locally from a fixed seed, so two runs give byte-identical data and
nothing is downloaded. Usage: ``python demo/make_demo.py [TARGET] [--rows N] [--force]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

DEFAULT_TARGET = Path("demo-project")
DEFAULT_ROWS = 5000
SEED = 20240601
PLANS = ("basic", "standard", "premium")
REGIONS = ("north", "south", "east", "west")
MONTHS = 6


def customers(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per customer, with a churn label that depends on the features plus noise."""
    ids = np.arange(1, rows + 1)
    plan = rng.choice(PLANS, size=rows, p=[0.5, 0.35, 0.15])
    tenure = rng.gamma(shape=2.0, scale=14.0, size=rows).round().clip(1, 120).astype(int)
    monthly_fee = np.select(
        [plan == "basic", plan == "standard"], [19.0, 39.0], default=69.0
    ) + rng.normal(0, 3, rows).round(2)
    support_calls = rng.poisson(lam=1.2, size=rows)
    age = rng.integers(18, 80, size=rows)
    # Short tenure, many support calls and the cheap plan raise the odds of leaving.
    logit = (
        -1.2
        - 0.035 * tenure
        + 0.55 * support_calls
        + np.where(plan == "basic", 0.6, 0.0)
        + rng.normal(0, 0.6, rows)
    )
    churned = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "customer_id": ids,
            "age": age,
            "region": rng.choice(REGIONS, size=rows),
            "plan": plan,
            "tenure_months": tenure,
            "monthly_fee": monthly_fee.round(2),
            "support_calls": support_calls,
            "churned": churned.astype(int),
        }
    )


def usage(table: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly usage per customer for the last months; leavers use the service less."""
    rows = len(table) * MONTHS
    customer_id = np.repeat(table["customer_id"].to_numpy(), MONTHS)
    month = np.tile(pd.period_range("2024-01", periods=MONTHS, freq="M").astype(str), len(table))
    churned = np.repeat(table["churned"].to_numpy(), MONTHS)
    base = rng.lognormal(mean=3.0, sigma=0.5, size=rows)
    return pd.DataFrame(
        {
            "customer_id": customer_id,
            "month": month,
            "sessions": (base * np.where(churned == 1, 0.85, 1.0)).round().astype(int),
            "data_gb": (base * rng.uniform(0.05, 0.2, rows)).round(3),
        }
    )


def notebook() -> nbformat.NotebookNode:
    """The training notebook: read both files, train, evaluate, save the model and metrics."""
    cells = [
        new_markdown_cell(
            "# Customer churn\nTrain a classifier on customer and usage data. The `%mlversion` "
            "magic records which files each cell reads and writes; the last cell snapshots it all."
        ),
        new_code_cell("%load_ext jupyter_mlversion"),
        new_code_cell(
            "import json\n"
            "from pathlib import Path\n\n"
            "import joblib\n"
            "import pandas as pd\n"
            "from sklearn.compose import ColumnTransformer\n"
            "from sklearn.ensemble import RandomForestClassifier\n"
            "from sklearn.metrics import accuracy_score, roc_auc_score\n"
            "from sklearn.model_selection import train_test_split\n"
            "from sklearn.pipeline import Pipeline\n"
            "from sklearn.preprocessing import OneHotEncoder"
        ),
        new_code_cell(
            'customers = pd.read_csv("data/customers.csv")\n'
            'usage = pd.read_parquet("data/usage.parquet")\n'
            "customers.head()"
        ),
        new_code_cell(
            'per_customer = usage.groupby("customer_id")[["sessions", "data_gb"]].mean()\n'
            'table = customers.join(per_customer, on="customer_id")\n'
            'X = table.drop(columns=["customer_id", "churned"])\n'
            'y = table["churned"]\n'
            "X_train, X_test, y_train, y_test = train_test_split(\n"
            "    X, y, test_size=0.25, random_state=0, stratify=y\n"
            ")"
        ),
        new_code_cell(
            'params = {"n_estimators": 100, "max_depth": 8, "random_state": 0}\n'
            "model = Pipeline([\n"
            '    ("encode", ColumnTransformer(\n'
            '        [("onehot", OneHotEncoder(handle_unknown="ignore"), ["region", "plan"])],\n'
            '        remainder="passthrough",\n'
            "    )),\n"
            '    ("forest", RandomForestClassifier(**params)),\n'
            "])\n"
            "model.fit(X_train, y_train)\n"
            "metrics = {\n"
            '    "accuracy": accuracy_score(y_test, model.predict(X_test)),\n'
            '    "roc_auc": roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]),\n'
            "}\n"
            "metrics"
        ),
        new_code_cell(
            'Path("models").mkdir(exist_ok=True)\n'
            'joblib.dump(model, "models/churn.joblib")\n'
            'Path("metrics.json").write_text(json.dumps({**metrics, **params}, indent=2))'
        ),
        new_code_cell(
            "from jupyter_mlversion.kernel import commit, log_metric, log_param\n\n"
            "for name, value in metrics.items():\n"
            "    log_metric(name, value)\n"
            "for name, value in params.items():\n"
            "    log_param(name, value)\n"
            "depth = params['max_depth']\n"
            'commit(f"Random forest (depth {depth}) on {len(customers):,} customers")'
        ),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def make_demo(target: Path, rows: int = DEFAULT_ROWS, force: bool = False) -> Path:
    """Write the demo project into ``target`` and return it; refuse to overwrite unless forced."""
    if target.exists() and any(target.iterdir()):
        if not force:
            msg = f"{target} is not empty; pass --force to replace it or choose another folder"
            raise FileExistsError(msg)
        shutil.rmtree(target)
    rng = np.random.default_rng(SEED)
    data = target / "data"
    data.mkdir(parents=True, exist_ok=True)
    table = customers(rows, rng)
    table.to_csv(data / "customers.csv", index=False)
    usage(table, rng).to_parquet(data / "usage.parquet", index=False)
    nbformat.write(notebook(), target / "train.ipynb")
    (target / "README.md").write_text(
        "# Churn demo\n\n"
        "Open `train.ipynb` and run all cells: the last one snapshots the data it read, the\n"
        "model it wrote and its metrics. Then browse, diff and tag from the Versions panel.\n"
    )
    return target


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", type=Path, default=DEFAULT_TARGET)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="customers to generate")
    parser.add_argument("--force", action="store_true", help="replace a non-empty target")
    args = parser.parse_args(argv)
    try:
        target = make_demo(args.target, rows=args.rows, force=args.force)
    except FileExistsError as error:
        print(f"make_demo: {error}", file=sys.stderr)
        return 1
    print(f"demo project written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
