"""Run every TFM001 fallback of tf_migrate/rules/tables/compat_fallback.json eagerly on TensorFlow 2
and record the result in the table's header. A fallback that raises under eager execution is not
allowed (it would produce code that crashes), so a failure exits 1.

    ~/.cache/tf-migrate/runtimes/tf2/bin/python scripts/check_compat_fallbacks.py
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "tf_migrate/rules/tables/compat_fallback.json"


def main() -> int:
    import tensorflow as tf

    assert tf.executing_eagerly()
    data = json.loads(TABLE.read_text("utf-8"))
    results: dict[str, str] = {}
    for name, entry in data["fallbacks"].items():
        try:
            value = eval(entry["eager_check"], {"tf": tf})
            results[name] = f"ok: {type(value).__name__}"
        except Exception as error:
            results[name] = f"FAILED: {error!r}"
        print(f"{name}: {results[name]}")
    data["header"]["eager_checked"] = {
        "tensorflow": tf.__version__,
        "date": datetime.date.today().isoformat(),
        "results": results,
    }
    TABLE.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
    return 1 if any(r.startswith("FAILED") for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
